namespace Ensemble.Distillation.Models;

/// <summary>The architectures Ensemble builds.</summary>
public enum ModelKind
{
    /// <summary>Fully connected layers with ReLU and dropout.</summary>
    Mlp,
    /// <summary>Convolution blocks (conv, batch norm, ReLU, max-pool) and a fully connected head.</summary>
    Cnn,
}
