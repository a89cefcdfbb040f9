using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Ensemble.Silo.Api;

/// <summary>
/// When <see cref="ApiOptions.Token"/> is set, lets a request through only with <c>Authorization: Bearer &lt;token&gt;</c>;
/// otherwise 401 with <c>WWW-Authenticate: Bearer</c>. Tokens are compared in constant time (over their SHA-256
/// hashes, so not even the length leaks).
/// </summary>
internal sealed class BearerTokenFilter(ApiOptions options) : IEndpointFilter
{
    private const string Scheme = "Bearer";
    private readonly byte[]? _expectedHash = options.Token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Token));

    /// <inheritdoc/>
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (_expectedHash is null) return next(context);

        var http = context.HttpContext;
        var presented = PresentedToken(http.Request.Headers.Authorization.ToString());
        if (presented is null) return Unauthorized(http, "missing bearer token", $"{Scheme}");

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (!CryptographicOperations.FixedTimeEquals(presentedHash, _expectedHash))
        {
            return Unauthorized(http, "invalid bearer token", $"{Scheme} error=\"invalid_token\"");
        }

        return next(context);
    }

    /// <summary>The token of a <c>Bearer</c> authorization header (scheme in any case), or null when there is none.</summary>
    private static string? PresentedToken(string header)
    {
        header = header.Trim();
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header[Scheme.Length] != ' ')
        {
            return null;
        }

        var token = header[(Scheme.Length + 1)..].Trim();
        return token.Length == 0 ? null : token;
    }

    private static ValueTask<object?> Unauthorized(HttpContext http, string error, string challenge)
    {
        http.Response.Headers[HeaderNames.WWWAuthenticate] = challenge;
        return ValueTask.FromResult<object?>(ApiResults.Problem(StatusCodes.Status401Unauthorized, error));
    }
}
