using TorchSharp;
using static TorchSharp.torch;

namespace Ensemble.Distillation.Transfer;

/// <summary>
/// Hinton et al. (2015) §3: a student that never saw a class in its transfer set learns it from soft targets
/// alone but under-predicts it; raising that class's output bias recovers most of it. The paper chose the
/// amount by hand (+3.5); here it is fitted without labels: the smallest common bias at which the student
/// predicts the omitted classes on held-out inputs as often as the teachers do.
/// </summary>
public static class OmittedClassBias
{
    /// <summary>The bias to add to the omitted classes' logits, found by bisection in [0, 30].</summary>
    /// <param name="studentLogits">The student's logits on held-out inputs, N × K.</param>
    /// <param name="teacherLogits">The teachers' (aggregated) logits on the same inputs, N × K.</param>
    /// <param name="omitted">The omitted classes.</param>
    public static double Fit(Tensor studentLogits, Tensor teacherLogits, IReadOnlyCollection<int> omitted)
    {
        if (omitted.Count == 0) return 0;
        using var scope = NewDisposeScope();
        var classes = (int)studentLogits.shape[1];
        var mask = new float[classes];
        foreach (var c in omitted) mask[c] = 1;
        var maskTensor = tensor(mask, [classes]);
        var target = ShareOf(teacherLogits, maskTensor, 0);
        double low = 0, high = 30;
        if (ShareOf(studentLogits, maskTensor, 0) >= target) return 0;
        for (var i = 0; i < 40; i++)
        {
            var mid = (low + high) / 2;
            if (ShareOf(studentLogits, maskTensor, mid) < target) low = mid;
            else high = mid;
        }

        return high;
    }

    /// <summary>Adds <paramref name="bias"/> to the output bias of <paramref name="omitted"/> in the model's last layer.</summary>
    public static void Apply(nn.Module<Tensor, Tensor> model, IReadOnlyCollection<int> omitted, double bias)
    {
        var (name, last) = model.named_parameters().Last();
        if (!name.EndsWith(".bias", StringComparison.Ordinal) || last.shape.Length != 1)
        {
            throw new InvalidOperationException($"The model's last parameter is '{name}', not an output bias.");
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var shift = new float[last.shape[0]];
        foreach (var c in omitted) shift[c] = (float)bias;
        last.add_(tensor(shift, [shift.Length], device: last.device));
    }

    /// <summary>The share of rows whose arg-max falls in the masked classes once <paramref name="bias"/> is added to them.</summary>
    private static double ShareOf(Tensor logits, Tensor mask, double bias)
    {
        using var scope = NewDisposeScope();
        var predicted = (logits + mask * bias).argmax(1);
        return mask.index_select(0, predicted).mean().ToDouble();
    }
}
