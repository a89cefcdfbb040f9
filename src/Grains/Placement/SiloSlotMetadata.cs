using System.Globalization;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Ensemble.Grains.Placement;

/// <summary>How a silo publishes its task slots and name in its Orleans silo metadata.</summary>
public static class SiloSlotMetadata
{
    /// <summary>The key of the slot count.</summary>
    public const string SlotsKey = "ensemble.slots";

    /// <summary>The key of the silo's name (its <c>--id</c>, or host-pid).</summary>
    public const string NameKey = "ensemble.name";

    /// <summary>The key of the silo's HTTP API address, when it serves one.</summary>
    public const string UrlKey = "ensemble.url";

    /// <summary>The metadata of a silo named <paramref name="name"/> with <paramref name="slots"/> slots, serving its API at <paramref name="url"/>.</summary>
    public static Dictionary<string, string> Of(string name, int slots, string? url)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SlotsKey] = slots.ToString(CultureInfo.InvariantCulture),
            [NameKey] = name,
        };
        if (url is not null) metadata[UrlKey] = url;
        return metadata;
    }

    /// <summary>The silos of <paramref name="silos"/> with the slots each advertises in <paramref name="cache"/>.</summary>
    public static List<SiloSlots> Candidates(IEnumerable<SiloAddress> silos, ISiloMetadataCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return [.. silos.Select(silo => new SiloSlots(silo, Slots(cache.GetSiloMetadata(silo))))];
    }

    /// <summary>The slots <paramref name="metadata"/> advertises: 0 when absent or unreadable (such a silo gets no training).</summary>
    public static int Slots(SiloMetadata metadata) =>
        metadata.Metadata.TryGetValue(SlotsKey, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var slots) ? slots : 0;

    /// <summary>The name <paramref name="metadata"/> gives, or <paramref name="fallback"/>.</summary>
    public static string Name(SiloMetadata metadata, string fallback) =>
        metadata.Metadata.TryGetValue(NameKey, out var name) && name.Length > 0 ? name : fallback;

    /// <summary>The API address <paramref name="metadata"/> gives, if any.</summary>
    public static string? Url(SiloMetadata metadata) => metadata.Metadata.TryGetValue(UrlKey, out var url) ? url : null;
}
