using Ensemble.Distillation.Data;

namespace Ensemble.Distillation.Tests.Data;

public sealed class ImageAugmentationTests
{
    [Fact]
    public void Shift_MovesPixels_AndFillsWithTheBackground()
    {
        // One 1×5×5 image with a single bright pixel at (row 2, column 2) on a background of -1.
        var pixels = Enumerable.Repeat(-1f, 25).ToArray();
        pixels[2 * 5 + 2] = 9f;
        var image = new Dataset("dot", pixels, [1, 5, 5], [0], 1);
        for (var seed = 0; seed < 20; seed++)
        {
            var moved = ImageAugmentation.Apply(image, AugmentationKind.Shift, seed).Features;
            // The dot is still there exactly once (a shift of at most 2 keeps the centre pixel inside), nothing else changed value.
            Assert.Equal(1, moved.Count(v => v == 9f));
            Assert.Equal(24, moved.Count(v => v == -1f));
            var at = Array.IndexOf(moved, 9f);
            Assert.InRange(Math.Abs(at / 5 - 2), 0, ImageAugmentation.MaxShift);
            Assert.InRange(Math.Abs(at % 5 - 2), 0, ImageAugmentation.MaxShift);
        }
    }

    [Fact]
    public void Flip_MirrorsRows()
    {
        // A gradient along x; with shift-flip some seed must produce a mirrored row order without shift artefacts on row content.
        var pixels = new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }; // 1×3×3
        var image = new Dataset("g", pixels, [1, 3, 3], [0], 1);
        var mirrored = Enumerable.Range(0, 200).Select(s => ImageAugmentation.Apply(image, AugmentationKind.ShiftFlip, s).Features)
            .Any(f => f.SequenceEqual(new float[] { 2, 1, 0, 5, 4, 3, 8, 7, 6 }));
        Assert.True(mirrored, "no seed produced the pure mirror image (shift 0, flip)");
    }

    [Fact]
    public void NonImageData_IsRefusedWithItsShape()
    {
        var flat = new Dataset("flat", new float[8], [4], [0, 1], 2);
        var e = Assert.Throws<ArgumentException>(() => ImageAugmentation.Apply(flat, AugmentationKind.Shift, 1));
        Assert.Contains("flat has examples of shape [4]", e.Message);
    }
}
