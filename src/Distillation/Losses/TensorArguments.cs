using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Losses;

/// <summary>Shape checks shared by the losses, the ensemble aggregation and the metrics; each error names the argument and the shapes.</summary>
internal static class TensorArguments
{
    /// <summary>"[2, 3]".</summary>
    public static string Format(long[] shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Throws unless <paramref name="logits"/> is N×K with N ≥ 1 and K ≥ <paramref name="minClasses"/>.</summary>
    public static void RequireMatrix(Tensor logits, string name, long minClasses = 1)
    {
        ArgumentNullException.ThrowIfNull(logits, name);
        var shape = logits.shape;
        if (shape.Length != 2 || shape[0] < 1 || shape[1] < minClasses)
        {
            throw new ArgumentException(
                $"{name} must be N×K (examples × classes) with N ≥ 1 and K ≥ {minClasses}, but has shape {Format(shape)}", name);
        }
    }

    /// <summary>Throws unless <paramref name="other"/> has exactly the shape of <paramref name="reference"/>.</summary>
    public static void RequireSameShape(Tensor reference, string referenceName, Tensor other, string otherName)
    {
        ArgumentNullException.ThrowIfNull(other, otherName);
        var a = reference.shape;
        var b = other.shape;
        if (!a.SequenceEqual(b))
        {
            throw new ArgumentException($"{otherName} has shape {Format(b)} but {referenceName} has shape {Format(a)}; they must match", otherName);
        }
    }

    /// <summary>Throws unless <paramref name="labels"/> is an int64 vector with one label per row of <paramref name="rows"/>, or a floating N×K matrix of label distributions of <paramref name="rows"/>' shape.</summary>
    public static void RequireLabels(Tensor labels, string name, Tensor rows, string rowsName)
    {
        ArgumentNullException.ThrowIfNull(labels, name);
        var shape = labels.shape;
        if (shape.Length == 2 && labels.is_floating_point())
        {
            // Label distributions (mixup's blends): one row per example, one column per class.
            if (shape[0] != rows.size(0) || shape[1] != rows.size(1))
            {
                throw new ArgumentException(
                    $"{name} has shape {Format(shape)} but {rowsName} has shape {Format(rows.shape)}; label distributions must be [{rows.size(0)}, {rows.size(1)}]", name);
            }

            return;
        }

        if (shape.Length != 1 || shape[0] != rows.size(0))
        {
            throw new ArgumentException(
                $"{name} has shape {Format(shape)} but {rowsName} has shape {Format(rows.shape)}; {name} must be [{rows.size(0)}], one label per row", name);
        }

        if (labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"{name} must hold int64 class indices, not {labels.dtype}", name);
        }
    }

    /// <summary>Throws unless <paramref name="temperature"/> is finite and positive.</summary>
    public static void RequireTemperature(double temperature, string name)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(name, temperature, $"{name} must be a finite number > 0");
        }
    }
}
