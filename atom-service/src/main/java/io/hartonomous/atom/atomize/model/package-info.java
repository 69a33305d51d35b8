/**
 * AI model files — safetensors, GGUF and ONNX — as atoms: file → header → one level per tensor
 * → rows → one leaf per weight value (or per quantized block), so identical weights are one atom
 * within and across models, and {@code dbo.Model}, {@code dbo.ModelLayer} and
 * {@code dbo.TensorAtomCoefficient} rows can point at them.
 *
 * <p>Promises: every byte of the file (headers, padding, alignment, trailing bytes) lands in
 * exactly one leaf, in file order, so the tree rebuilds the file byte for byte; the file is read
 * once, front to back, with memory bounded by the header and a fixed fan-out, never by the
 * tensors' size; every length or count a header claims is checked against the file's size before
 * anything is allocated or read for it, and a file that breaks its format's rules is refused with
 * a {@link io.hartonomous.atom.atomize.MalformedInputException} saying what is wrong and where.
 */
package io.hartonomous.atom.atomize.model;
