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
    /// characters (and halves of surrogate pairs) written as <c>\uXXXX</c>, and how much was left out:
    /// <c>'abc…' (10000 characters)</c>.
    /// </summary>
    public static string Quote(string? text)
    {
        if (text is null) return "null";
        string shown = Escape(text, out bool cut);
        return cut ? $"'{shown}…' ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)" : $"'{shown}'";
    }

    /// <summary>The same as <see cref="Quote"/> without the quotes, for text that reads better bare (a request path).</summary>
    public static string Bare(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string shown = Escape(text, out bool cut);
        return cut ? $"{shown}… ({text.Length.ToString(CultureInfo.InvariantCulture)} characters)" : shown;
    }

    private static string Escape(string text, out bool cut)
    {
        int shown = Math.Min(text.Length, MaxQuoted);
        // Never cut a surrogate pair in half: half a pair is not text.
        if (shown < text.Length && shown > 0 && char.IsHighSurrogate(text[shown - 1])) shown--;
        cut = shown < text.Length;
        var escaped = new StringBuilder(shown + 8);
        for (int i = 0; i < shown; i++)
        {
            char c = text[i];
            bool paired = (char.IsHighSurrogate(c) && i + 1 < shown && char.IsLowSurrogate(text[i + 1]))
                || (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(text[i - 1]));
            bool hidden = char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            if (hidden || (char.IsSurrogate(c) && !paired)) escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }

        return escaped.ToString();
    }
}
