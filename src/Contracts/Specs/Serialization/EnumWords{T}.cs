using System.Reflection;
using System.Text.Json.Serialization;

namespace Ensemble.Contracts.Specs.Serialization;

/// <summary>
/// The words an enum is written as in spec files: each member's <see cref="JsonStringEnumMemberNameAttribute"/>
/// (so System.Text.Json agrees), else its name in lower case.
/// </summary>
internal static class EnumWords<T>
    where T : struct, Enum
{
    private static readonly (T Value, string Word)[] Members = Enum.GetValues<T>()
        .Select(v => (v, typeof(T).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? v.ToString().ToLowerInvariant()))
        .ToArray();

    /// <summary>Every word, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = Members.Select(m => m.Word).ToArray();

    /// <summary>The word for a value.</summary>
    public static string Word(T value)
    {
        foreach (var (v, word) in Members)
        {
            if (EqualityComparer<T>.Default.Equals(v, value)) return word;
        }

        return value.ToString().ToLowerInvariant();
    }

    /// <summary>The value a word names, ignoring case.</summary>
    public static bool TryParse(string word, out T value)
    {
        foreach (var (v, w) in Members)
        {
            if (string.Equals(w, word, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }
}
