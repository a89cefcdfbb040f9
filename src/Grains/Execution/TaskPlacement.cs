namespace Ensemble.Grains.Execution;

/// <summary>Where a task grain runs an attempt.</summary>
/// <param name="Silo">The silo's name (its <c>--id</c>, or host-pid).</param>
/// <param name="Slot">The slot on that silo (slot i of a GPU silo trains on <c>cuda:i</c>).</param>
/// <param name="Address">The silo's address (membership tells whether it is alive).</param>
[GenerateSerializer]
public sealed record TaskPlacement(string Silo, int Slot, SiloAddress Address);
