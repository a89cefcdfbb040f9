namespace Ensemble.Distillation.Data;

/// <summary>
/// The contents of an IDX file of unsigned bytes: its dimension sizes and its data in row-major order.
/// </summary>
public sealed class IdxArray
{
    /// <summary>Creates an array, checking that <paramref name="data"/> holds exactly the product of the dimensions.</summary>
    /// <param name="dimensions">The size of each dimension, outermost first (at least one, none negative).</param>
    /// <param name="data">The elements in row-major order; the array is kept, not copied.</param>
    /// <exception cref="ArgumentException">A dimension is negative or the data length does not match.</exception>
    public IdxArray(int[] dimensions, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(data);
        if (dimensions.Length == 0)
        {
            throw new ArgumentException("An IDX array needs at least one dimension.", nameof(dimensions));
        }

        long product = 1;
        foreach (int size in dimensions)
        {
            if (size < 0)
            {
                throw new ArgumentException($"Dimension sizes must not be negative, got {FormatShape(dimensions)}.", nameof(dimensions));
            }

            product *= size;
        }

        if (product != data.Length)
        {
            throw new ArgumentException(
                $"Dimensions {FormatShape(dimensions)} need {product} bytes of data, got {data.Length}.", nameof(data));
        }

        Dimensions = (int[])dimensions.Clone();
        Data = data;
    }

    /// <summary>The size of each dimension, outermost first.</summary>
    public int[] Dimensions { get; }

    /// <summary>The elements in row-major order.</summary>
    public byte[] Data { get; }

    /// <summary>The size of the outermost dimension (the number of items: images or labels).</summary>
    public int Count => Dimensions[0];

    /// <summary>The dimensions written as the IDX documentation does, e.g. <c>60000x28x28</c>.</summary>
    public override string ToString() => FormatShape(Dimensions);

    internal static string FormatShape(ReadOnlySpan<int> dimensions) => string.Join('x', dimensions.ToArray());
}
