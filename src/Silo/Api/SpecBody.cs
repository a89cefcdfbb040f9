using System.Text;
using Ensemble.Contracts;
using Ensemble.Contracts.Specs;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Ensemble.Silo.Api;

/// <summary>Reads a submitted spec: its format from the Content-Type (or the text), its text within the size limit.</summary>
internal static class SpecBody
{
    /// <summary>
    /// <c>json</c> for <c>application/json</c>; <c>yaml</c> for <c>application/yaml</c>, <c>application/x-yaml</c>,
    /// <c>text/yaml</c>, <c>text/x-yaml</c>, <c>text/plain</c>; null (sniff the text) when there is no Content-Type;
    /// otherwise the error names the unsupported type, or the charset when it is not UTF-8.
    /// </summary>
    public static (string? Format, string? Error) FormatOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return (null, null);
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is not { } mediaType)
        {
            return (null, $"unsupported Content-Type {UntrustedText.Quote(contentType)}: send application/json or application/yaml");
        }

        if (parsed.Charset.HasValue && !parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !parsed.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"unsupported charset {UntrustedText.Quote(parsed.Charset.Value)}: send the spec as UTF-8");
        }

        return mediaType.ToLowerInvariant() switch
        {
            "application/json" => (RunSpecReader.Json, null),
            "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml" or "text/plain" => (RunSpecReader.Yaml, null),
            _ => (null, $"unsupported Content-Type {UntrustedText.Quote(mediaType)}: send application/json or application/yaml"),
        };
    }

    /// <summary>JSON when the first byte that is not white space (after a byte-order mark) is <c>{</c>, else YAML.</summary>
    public static string Sniff(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith(Encoding.UTF8.Preamble)) utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        foreach (var b in utf8)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return b == (byte)'{' ? RunSpecReader.Json : RunSpecReader.Yaml;
        }

        return RunSpecReader.Yaml;
    }

    /// <summary>
    /// Reads the request's spec, refusing (413) a body over <paramref name="limit"/> bytes whether or not it declares its
    /// length. Returns the bytes (decoded, strictly, by <see cref="RunSpecReader"/>) and their format (<c>yaml</c> or
    /// <c>json</c>), or the error response to send instead.
    /// </summary>
    public static async Task<(ReadOnlyMemory<byte> Bytes, string? Format, IResult? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var (format, formatError) = FormatOf(request.ContentType);
        if (formatError is not null) return Fail(StatusCodes.Status415UnsupportedMediaType, formatError);

        var tooLarge = $"the request body is larger than the limit of {limit} bytes";
        if (request.ContentLength > limit) return Fail(StatusCodes.Status413PayloadTooLarge, tooLarge);

        // Counted as it arrives: a chunked body has no Content-Length, and a declared one is only a claim.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit) return Fail(StatusCodes.Status413PayloadTooLarge, tooLarge);
            buffer.Write(chunk, 0, read);
        }

        var bytes = buffer.ToArray();
        return (bytes, format ?? Sniff(bytes), null);
    }

    private static (ReadOnlyMemory<byte>, string?, IResult?) Fail(int statusCode, string error) => (default, null, ApiResults.Problem(statusCode, error));
}
