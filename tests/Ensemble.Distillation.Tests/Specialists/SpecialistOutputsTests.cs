using Ensemble.Distillation.Specialists;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Specialists;

public sealed class SpecialistOutputsTests
{
    private static readonly ToleranceComparer s_close = new(1e-12);

    [Fact]
    public void Dustbin_AddsTheCorrectionToTheDustbinLogit()
    {
        using var scope = NewDisposeScope();
        // [0, ln 2, 0] + [0, 0, ln 3] = [ln 1, ln 2, ln 3] → [1, 2, 3]/6.
        var logits = Tensors.Matrix(new double[,] { { 0, Math.Log(2), 0 } });
        var p = SpecialistOutputs.ToDistribution(logits, [4, 7], 10, SpecialistHead.Dustbin, Math.Log(3));

        Assert.Equal([1.0 / 6, 2.0 / 6, 3.0 / 6], Tensors.Rows(p)[0], s_close);
    }

    [Fact]
    public void Full_FoldsTheOtherClassesIntoTheDustbin_ShiftedByTheCorrection()
    {
        using var scope = NewDisposeScope();
        // exp(z) = [1, 2, 3, 4], S = {1, 3}: special [2, 4], rest 1 + 3 = 4.
        var logits = Tensors.Matrix(new double[,] { { 0, Math.Log(2), Math.Log(3), Math.Log(4) } });

        var plain = SpecialistOutputs.ToDistribution(logits, [1, 3], 4, SpecialistHead.Full, 0);
        Assert.Equal([0.2, 0.4, 0.4], Tensors.Rows(plain)[0], s_close); // [2, 4, 4]/10

        var halved = SpecialistOutputs.ToDistribution(logits, [1, 3], 4, SpecialistHead.Full, Math.Log(0.5));
        Assert.Equal([0.25, 0.5, 0.25], Tensors.Rows(halved)[0], s_close); // [2, 4, 2]/8
    }

    [Fact]
    public void WrongShapesAndClasses_AreNamed()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(2, 3);
        var wrongWidth = Assert.Throws<ArgumentException>(() => SpecialistOutputs.ToDistribution(logits, [0, 1, 2], 5, SpecialistHead.Dustbin, 0));
        Assert.Equal("specialistLogits", wrongWidth.ParamName);
        Assert.Contains("N×4", wrongWidth.Message);
        Assert.Equal("specialistLogits", Assert.Throws<ArgumentException>(() => SpecialistOutputs.ToDistribution(logits, [0], 5, SpecialistHead.Full, 0)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => SpecialistOutputs.ToDistribution(logits, [0, 5], 5, SpecialistHead.Dustbin, 0)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentException>(() => SpecialistOutputs.ToDistribution(logits, [0, 1, 2], 3, SpecialistHead.Full, 0)).ParamName);
        Assert.Equal("dustbinLogitCorrection", Assert.Throws<ArgumentOutOfRangeException>(() => SpecialistOutputs.ToDistribution(logits, [0, 1], 5, SpecialistHead.Dustbin, double.NaN)).ParamName);
    }
}
