/**
 * Audio: WAV (RIFF/WAVE) as a container of chunks whose {@code data} chunk is split into frames
 * (one sample per channel) — a lossless semantic view, so one view suffices (DESIGN.md
 * invariant 4). Lying sizes are clamped to the bytes actually present; every byte of the file is
 * kept, including odd trailing bytes and pad bytes.
 */
package io.hartonomous.atom.atomize.audio;
