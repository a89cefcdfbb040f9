using Ensemble.Torch;
using Ensemble.Torch.Nn;
using Ensemble.Torch.Optim;

namespace Ensemble.Torch.Tests;

/// <summary>Dispose scopes free what they own, and training does not leak native tensors.</summary>
public sealed class DisposeScopeTests
{
    [Fact]
    public void Dispose_FreesEveryTensorCreatedInside()
    {
        var before = LiveTensors.Settled();
        Tensor a, b, c;
        using (var scope = Torch.NewDisposeScope())
        {
            a = Torch.Ones([3]);
            b = a * 2.0;
            c = (a + b).Exp();
            Assert.Same(scope, DisposeScope.Current);
            // a, b, the intermediate a + b, and c.
            Assert.Equal(4, scope.Count);
            Assert.Equal(before + 4, Torch.LiveTensorCount);
        }

        Assert.True(a.IsDisposed);
        Assert.True(b.IsDisposed);
        Assert.True(c.IsDisposed);
        Assert.Null(DisposeScope.Current);
        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [Fact]
    public void MoveToOuterScope_KeepsTensorAliveUntilTheOuterScopeEnds()
    {
        var before = LiveTensors.Settled();
        Tensor kept, temporary;
        using (var outer = Torch.NewDisposeScope())
        {
            using (var inner = Torch.NewDisposeScope())
            {
                temporary = Torch.FromArray<float>([1, 2, 3]);
                kept = (temporary * 10.0).MoveToOuterScope();
                Assert.Equal(1, inner.Count);
                Assert.Equal(1, outer.Count);
            }

            Assert.Same(outer, DisposeScope.Current);
            Assert.True(temporary.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.Equal([10f, 20f, 30f], kept.ToArray<float>());
            Assert.Equal(before + 1, Torch.LiveTensorCount);
        }

        Assert.True(kept.IsDisposed);
        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [Fact]
    public void DetachFromDisposeScope_KeepsTensorAliveAfterEveryScope()
    {
        var before = LiveTensors.Settled();
        Tensor detached;
        using (Torch.NewDisposeScope())
        {
            using (Torch.NewDisposeScope())
            {
                detached = Torch.FromArray<double>([1.5, -2.5]).DetachFromDisposeScope();
            }
        }

        Assert.False(detached.IsDisposed);
        Assert.Equal([1.5, -2.5], detached.ToArray<double>());
        Assert.Equal(before + 1, Torch.LiveTensorCount);
        detached.Dispose();
        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [Fact]
    public void Dispose_TensorAlreadyDisposedByHand_IsNotFreedTwice()
    {
        var before = LiveTensors.Settled();
        using (Torch.NewDisposeScope())
        {
            var t = Torch.Ones([2]);
            t.Dispose();
            Assert.Equal(before, Torch.LiveTensorCount);
        }

        Assert.Equal(before, Torch.LiveTensorCount);
    }

    [Fact]
    public void Dispose_OuterBeforeInner_Throws()
    {
        RunOnOwnThread(() =>
        {
            var outer = Torch.NewDisposeScope();
            var inner = Torch.NewDisposeScope();

            Assert.Throws<InvalidOperationException>(() => outer.Dispose());

            inner.Dispose();
            outer.Dispose();
        });
    }

    [Fact]
    public void Dispose_AfterAnOutOfOrderAttempt_StillFreesTheOuterScopesTensors()
    {
        // A failed out-of-order Dispose must not mark the scope as disposed: otherwise its tensors are never
        // freed and it stays the thread's current scope for good, collecting every later tensor.
        RunOnOwnThread(() =>
        {
            var before = LiveTensors.Settled();
            var outer = Torch.NewDisposeScope();
            var owned = Torch.Ones([4]);
            var inner = Torch.NewDisposeScope();
            Assert.Throws<InvalidOperationException>(() => outer.Dispose());

            inner.Dispose();
            outer.Dispose();

            Assert.Null(DisposeScope.Current);
            Assert.True(owned.IsDisposed);
            Assert.Equal(before, Torch.LiveTensorCount);
        });
    }

    [Fact]
    public void Training_TwoThousandStepsInPerStepScopes_LeavesLiveTensorCountFlat()
    {
        // Finalizers of tensors that other tests dropped must not run in the middle of the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Torch.ManualSeed(3);
        var before = LiveTensors.Settled();

        var model = new Sequential(new Linear(4, 16), new Relu(), new Dropout(0.2), new Linear(16, 3));
        var optimizer = new Sgd(model.Parameters(), learningRate: 0.05, momentum: 0.9);
        var inputs = Torch.Randn([32, 4]).DetachFromDisposeScope();
        var labels = Torch.FromArray(Enumerable.Range(0, 32).Select(i => (long)(i % 3)).ToArray());
        long countAtStep100 = -1;
        double firstLoss = double.NaN, lastLoss = double.NaN;

        for (var step = 1; step <= 2000; step++)
        {
            using (var scope = Torch.NewDisposeScope())
            {
                var loss = Functional.CrossEntropy(model.Forward(inputs), labels);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                if (step == 1) firstLoss = loss.Item();
                if (step == 2000) lastLoss = loss.Item();
            }

            if (step == 100) countAtStep100 = Torch.LiveTensorCount;
        }

        var countAtStep2000 = Torch.LiveTensorCount;
        Assert.Equal(countAtStep100, countAtStep2000);
        Assert.True(lastLoss < firstLoss, $"loss went from {firstLoss} to {lastLoss}");

        model.Dispose();
        optimizer.Dispose();
        inputs.Dispose();
        labels.Dispose();
        Assert.Equal(before, Torch.LiveTensorCount);
    }

    private static void RunOnOwnThread(Action action)
    {
        // Scopes are thread-static: a test that may leave one behind must not do so on a pool thread.
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { action(); }
            catch (Exception e) { failure = e; }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
