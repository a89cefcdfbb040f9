namespace Ensemble.Distillation.Runtime;

/// <summary>A native library TorchSharp needs could not be loaded; the message names the file and the loader's own error.</summary>
public sealed class TorchLoadException(string message, Exception? inner = null) : Exception(message, inner);
