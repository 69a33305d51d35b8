/**
 * Inference with atomized ONNX models: the model file is rebuilt from the caller's atoms by its
 * hash, run by ONNX Runtime on worker threads, its outputs cached per tenant in
 * dbo.InferenceCache_InMemory by SHA-256(model hash + canonical input) until they expire; ensembles
 * combine several models by average, vote or RRF.
 */
package io.hartonomous.search.inference;
