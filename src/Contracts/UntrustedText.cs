using System.Globalization;
using System.Text;

namespace Ensemble.Contracts;

/// <summary>
/// Quotes text a caller sent (a header, a query value, a name) into an error message: cut to a bounded length and with
/// control and format characters escaped, so a hostile value can neither bloat a response nor forge lines in a log.
/// </summary>
public static class UntrustedText
{
    /// <summary>The longest part of a value an error message repeats.</summary>
    public const int MaxQuoted = 64;

    /// <summary>
    /// <paramref name="text"/> in single quotes, at most <see cref="MaxQuoted"/> characters of it, control and format
    /// characters written as <c>\uXXXX</c>, and how much was left out: <c>'abc…' (10000 characters)</c>.
    /// </summary>
    public static string Quote(string? text)
    {
        if (text is null) return "null";
        var quoted = new StringBuilder(Math.Min(text.Length, MaxQuoted) + 24).Append('\'');
        int shown = Math.Min(text.Length, MaxQuoted);
        // Never cut a surrogate pair in half: half a pair is not text.
        if (shown < text.Length && shown > 0 && char.IsHighSurrogate(text[shown - 1])) shown--;
        for (int i = 0; i < shown; i++)
        {
            char c = text[i];
            var category = char.GetUnicodeCategory(c);
            bool lonePart = char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < shown && char.IsLowSurrogate(text[i + 1]))
                && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]));
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                    or UnicodeCategory.ParagraphSeparator || lonePart || c == '\'' || c == '\\')
            {
                quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                quoted.Append(c);
            }
        }

        quoted.Append('\'');
        if (shown < text.Length)
        {
            quoted.Insert(quoted.Length - 1, '…').Append(" (").Append(text.Length.ToString(CultureInfo.InvariantCulture)).Append(" characters)");
        }

        return quoted.ToString();
    }
}
