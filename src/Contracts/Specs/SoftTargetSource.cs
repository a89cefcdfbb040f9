using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs;

/// <summary>Where the student's soft targets come from; written <c>fixed</c> or <c>online</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SoftTargetSource>))]
public enum SoftTargetSource
{
    /// <summary><c>fixed</c>: computed once, before the student trains, on each of <c>transfer.views</c> (the same targets every pass over a view).</summary>
    [JsonStringEnumMemberName("fixed")]
    Fixed,
    /// <summary>
    /// <c>online</c>: computed from the stored teachers (and specialists) on exactly the images the student sees in each epoch,
    /// after that epoch's augmentation and mixup (Beyer et al. 2022, "a good teacher is patient and consistent").
    /// </summary>
    [JsonStringEnumMemberName("online")]
    Online,
}
