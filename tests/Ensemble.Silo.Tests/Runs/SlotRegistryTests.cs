using System.Net;
using Ensemble.Grains.Placement;
using Ensemble.Silo.Tests.Testing;
using Orleans.Runtime;

namespace Ensemble.Silo.Tests.Runs;

/// <summary>The slot registry: which task grain holds which slot of which silo, as placement reserves and frees them.</summary>
public sealed class SlotRegistryTests : IAsyncLifetime
{
    // Ports chosen so that A sorts before B, which breaks ties between silos with as many free slots.
    private static readonly SiloAddress A = SiloAddress.New(IPAddress.Loopback, 1001, 1);
    private static readonly SiloAddress B = SiloAddress.New(IPAddress.Loopback, 1002, 1);

    private TestSilo _silo = null!;

    private ISlotRegistryGrain Registry => _silo.Grains.GetGrain<ISlotRegistryGrain>(0);

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(slots: 0);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Reserve_IsIdempotentPerGrain()
    {
        var first = await Registry.Reserve(Grain("a"), [new SiloSlots(A, 2)]);

        var again = await Registry.Reserve(Grain("a"), [new SiloSlots(A, 2), new SiloSlots(B, 5)]);

        Assert.Equal(new SlotReservation(Grain("a"), A, 0), first);
        Assert.Equal(first, again);
        Assert.Equal([first!], await Registry.List());
        Assert.Equal(first, await Registry.Find(Grain("a")));
    }

    [Fact]
    public async Task Reserve_TakesTheLowestFreeSlotOfTheSiloWithTheMostFreeSlots()
    {
        SiloSlots[] silos = [new(A, 2), new(B, 3)];

        var reserved = new List<SlotReservation?>();
        foreach (var grain in new[] { "a", "b", "c", "d", "e" }) reserved.Add(await Registry.Reserve(Grain(grain), silos));

        // B has 3 free, then both 2 (A first), then B 2 and A 1, then 1 each (A first).
        Assert.Equal([(B, 0), (A, 0), (B, 1), (A, 1), (B, 2)], reserved.Select(r => (r!.Silo, r.Slot)));
        Assert.Null(await Registry.Reserve(Grain("f"), silos));

        await Registry.Release(Grain("c"), B);
        Assert.Equal(new SlotReservation(Grain("f"), B, 1), await Registry.Reserve(Grain("f"), silos));
    }

    [Fact]
    public async Task Reserve_WithNoCandidateOrNoSlots_IsNull()
    {
        Assert.Null(await Registry.Reserve(Grain("a"), []));
        Assert.Null(await Registry.Reserve(Grain("a"), [new SiloSlots(A, 0)]));
        Assert.Empty(await Registry.List());
    }

    [Fact]
    public async Task Reserve_DropsReservationsOnSilosThatAreNoLongerCandidates()
    {
        await Registry.Reserve(Grain("a"), [new SiloSlots(A, 1)]);
        await Registry.Reserve(Grain("b"), [new SiloSlots(A, 2)]);

        // A is gone: its slots free themselves, and a grain that held one there gets one on a live silo.
        var moved = await Registry.Reserve(Grain("a"), [new SiloSlots(B, 1)]);

        Assert.Equal(new SlotReservation(Grain("a"), B, 0), moved);
        Assert.Equal([moved!], await Registry.List());
        Assert.Null(await Registry.Find(Grain("b")));
    }

    [Fact]
    public async Task SiloLost_ReturnsTheSilosReservationsAndFreesTheirSlots()
    {
        SiloSlots[] silos = [new(A, 2), new(B, 1)];
        var onA = new[] { await Registry.Reserve(Grain("b"), silos), await Registry.Reserve(Grain("c"), silos) };
        var onB = await Registry.Reserve(Grain("a"), silos);
        Assert.Equal([(A, 0), (A, 1), (B, 0)], new[] { onA[0], onA[1], onB }.Select(r => (r!.Silo, r.Slot)));

        var lost = await Registry.SiloLost(A);

        Assert.Equal([onA[0]!, onA[1]!], lost);
        Assert.Equal([onB!], await Registry.List());
        Assert.Empty(await Registry.SiloLost(A));
        Assert.Equal(new SlotReservation(Grain("d"), A, 0), await Registry.Reserve(Grain("d"), silos));
    }

    [Fact]
    public async Task Release_FreesTheGrainsSlotOnlyOnTheSiloItNames()
    {
        var held = await Registry.Reserve(Grain("a"), [new SiloSlots(A, 1)]);

        await Registry.Release(Grain("a"), B);
        await Registry.Release(Grain("b"), A);
        Assert.Equal([held!], await Registry.List());

        await Registry.Release(Grain("a"), A);
        Assert.Empty(await Registry.List());
        Assert.Null(await Registry.Find(Grain("a")));
    }

    [Fact]
    public async Task Reservations_SurviveARestartAndThoseOnTheOldSiloAreDroppedByTheNext()
    {
        await Registry.Reserve(Grain("a"), [new SiloSlots(A, 1)]);

        _silo = await _silo.RestartAsync(runner: null);

        Assert.Equal([new SlotReservation(Grain("a"), A, 0)], await Registry.List());
        Assert.Equal(new SlotReservation(Grain("b"), B, 0), await Registry.Reserve(Grain("b"), [new SiloSlots(B, 1)]));
        Assert.Null(await Registry.Find(Grain("a")));
    }

    private static GrainId Grain(string task) => GrainId.Create("teacher", $"r1/{task}");
}
