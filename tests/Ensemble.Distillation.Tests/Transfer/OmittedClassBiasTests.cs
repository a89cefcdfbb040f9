using Ensemble.Distillation.Models;
using Ensemble.Distillation.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Tests.Transfer;

public sealed class OmittedClassBiasTests
{
    [Fact]
    public void Fit_FindsTheBiasAtWhichTheStudentPredictsTheOmittedClassAsOftenAsTheTeacher()
    {
        // 4 examples, 3 classes; class 2 omitted. The teacher predicts class 2 on half of them (rows 0 and 1).
        using var teacher = tensor(new float[] { 0, 0, 5, 0, 0, 5, 5, 0, 0, 0, 5, 0 }, [4, 3]);
        // The student's class-2 logit trails the best by 1.0 on row 0, 2.0 on row 1, 6.0 on rows 2 and 3.
        using var student = tensor(new float[] { 1, 0, 0, 2, 0, 0, 6, 0, 0, 6, 0, 0 }, [4, 3]);
        var bias = OmittedClassBias.Fit(student, teacher, [2]);
        // Two rows flip once the bias exceeds 2.0; fewer flip below it; rows 2 and 3 need 6.
        Assert.InRange(bias, 2.0, 2.0 + 1e-6);
    }

    [Fact]
    public void Apply_RaisesOnlyTheOmittedClassesOutputBias()
    {
        using var model = ModelFactory.Create(new ModelSpec { Hidden = [4], Dropout = 0 }, [3], 3);
        var before = model.named_parameters().Last().parameter.data<float>().ToArray();
        OmittedClassBias.Apply(model, [1], 2.5);
        var after = model.named_parameters().Last().parameter.data<float>().ToArray();
        Assert.Equal(before[0], after[0]);
        Assert.Equal(before[1] + 2.5f, after[1], 5);
        Assert.Equal(before[2], after[2]);
    }
}
