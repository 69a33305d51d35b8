#!/usr/bin/env python3
"""Builds the search evaluation set from the machine's man pages (text nobody here wrote).

Deterministic: pages are taken in sorted order, filtered and sampled by a hash of their name.
  documents  bench/eval/manpages/docs.jsonl     {"id", "name", "text"}  (page minus its NAME line)
  queries    bench/eval/manpages/queries.jsonl  {"id", "query", "relevant"}  (query = the NAME line's
             one-line description, written by the page's authors; relevant = the page it came from)
  corpus     bench/target/corpus.jsonl (not committed): paragraphs of every page, for the 100k-unit runs
  sample     search-service/src/main/resources/search/projection-sample.txt: 512 descriptions and
             paragraphs on which the 3-D projection (PCA) of an embedding model is fitted
Usage: python3 bench/eval/make_eval.py   (from the repository root)
"""
import gzip, hashlib, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN = "/usr/share/man"
SECTIONS = ["man1", "man3", "man5", "man7", "man8"]
ESCAPES = [(r"\\f\(..", ""), (r"\\f\[[^\]]*\]", ""), (r"\\f.", ""), (r"\\\(em", "-"), (r"\\\(en", "-"),
           (r"\\\(aq", "'"), (r"\\\(dq", '"'), (r"\\\(lq", '"'), (r"\\\(rq", '"'), (r"\\\(bu", "*"),
           (r"\\\(co", "(c)"), (r"\\\[[^\]]*\]", ""), (r"\\\(..", ""), (r"\\-", "-"), (r"\\e", "\\\\"),
           (r"\\&", ""), (r"\\/", ""), (r"\\,", ""), (r"\\\|", ""), (r"\\\^", ""), (r"\\ ", " "),
           (r"\\\*\(..", ""), (r"\\\*.", ""), (r"\\s[-+]?\d", ""), (r"\\c", ""), (r"\\%", "")]
ESC = [(re.compile(a), b) for a, b in ESCAPES]
BREAK = {"PP", "LP", "P", "sp", "SH", "SS", "IP", "HP"}
FONT = {"B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB"}


def clean(s):
    for rx, rep in ESC:
        s = rx.sub(rep, s)
    return s.replace("\\", "").strip()


def parse(raw):
    """-> (name line, [(section, paragraph)])"""
    paras, cur, section, name = [], [], "", None
    def flush():
        if cur:
            t = re.sub(r"\s+", " ", " ".join(cur)).strip()
            if t:
                paras.append((section, t))
            cur.clear()
    for line in raw.splitlines():
        if line.startswith(".\\\"") or line.startswith("'\\\""):
            continue
        if line.startswith(".") or line.startswith("'"):
            parts = line[1:].split(None, 1)
            if not parts:
                continue
            macro, arg = parts[0], (parts[1] if len(parts) > 1 else "")
            if macro in BREAK:
                flush()
                if macro in ("SH", "SS"):
                    section = clean(arg.strip('"')).upper()
                continue
            if macro in FONT:
                cur.append(clean(" ".join(a.strip('"') for a in re.findall(r'"[^"]*"|\S+', arg))))
            continue
        if section == "NAME":
            name = (name + " " if name else "") + clean(line)
        else:
            cur.append(clean(line))
    flush()
    paras = [(s, p) for s, p in paras if s != "NAME"]
    return name, paras


def pages():
    for sec in SECTIONS:
        d = os.path.join(MAN, sec)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".gz") or os.path.islink(os.path.join(d, f)):
                continue
            if f.startswith(("gcloud", "bq", "gsutil")):  # thousands of near-identical generated pages
                continue
            try:
                raw = gzip.open(os.path.join(d, f)).read().decode("utf-8", "replace")
            except Exception:
                continue
            if raw.startswith(".so "):
                continue
            yield f[:-3], raw


def docfiles():
    for d, _, files in sorted(os.walk("/usr/share/doc")):
        for f in sorted(files):
            if re.search(r"(README|NEWS|FAQ|\.txt|\.md|\.rst)(\.gz)?$", f) and not f.startswith("changelog"):
                yield os.path.join(d, f)


def h(s):
    return int(hashlib.sha256(s.encode()).hexdigest()[:8], 16)


def main():
    docs, queries, corpus, sample = [], [], [], []
    for name, raw in pages():
        title, paras = parse(raw)
        body = "\n\n".join(p for _, p in paras)
        for i, (_, p) in enumerate(paras):
            if len(p) >= 60:
                corpus.append({"id": f"{name}#{i}", "text": p[:2000]})
        if not title or " - " not in title or len(body) < 400:
            continue
        cmd, desc = title.split(" - ", 1)
        desc = desc.strip()
        if len(desc.split()) < 4:
            continue
        if h(name) % 2 == 0 and len(docs) < 2000:
            docs.append({"id": name, "name": name, "text": body[:6000]})
            if h("q" + name) % 3 == 0:
                queries.append({"id": "q" + str(len(queries)), "query": desc, "relevant": name})
        elif h(name) % 37 == 1 and len(sample) < 384:
            sample.append(desc)
    for path in docfiles():
        try:
            op = gzip.open if path.endswith(".gz") else open
            text = op(path, "rb").read().decode("utf-8", "replace")
        except Exception:
            continue
        for i, p in enumerate(re.split(r"\n\s*\n", text)):
            p = re.sub(r"\s+", " ", p).strip()
            if len(p) >= 60 and sum(c.isalpha() for c in p) > len(p) / 2:
                corpus.append({"id": f"{path}#{i}", "text": p[:2000]})
    out = os.path.join(ROOT, "bench", "eval", "manpages")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "docs.jsonl"), "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    with open(os.path.join(out, "queries.jsonl"), "w") as f:
        for q in queries:
            f.write(json.dumps(q) + "\n")
    tgt = os.path.join(ROOT, "bench", "target")
    os.makedirs(tgt, exist_ok=True)
    with open(os.path.join(tgt, "corpus.jsonl"), "w") as f:
        for c in corpus:
            f.write(json.dumps(c) + "\n")
    paragraphs = [c["text"][:300] for c in corpus if h(c["id"]) % 97 == 3][:128]
    with open(os.path.join(ROOT, "search-service", "src", "main", "resources", "search", "projection-sample.txt"), "w") as f:
        for s in sample + paragraphs:
            f.write(s.replace("\n", " ") + "\n")
    print(f"{len(docs)} documents, {len(queries)} queries, {len(corpus)} corpus paragraphs, "
          f"{len(sample) + len(paragraphs)} projection sample lines")


if __name__ == "__main__":
    main()
