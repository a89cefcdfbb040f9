using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ensemble.Silo.Access;

/// <summary>
/// Reads a silo's own TLS certificate: a PEM certificate and its PEM private key (one file, or two as in a Kubernetes
/// TLS secret's <c>tls.crt</c> and <c>tls.key</c>). The silo presents it to other silos (as server and as client) and
/// to Orleans clients, so it must allow both uses.
/// </summary>
public static class SiloCertificate
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>Loads the certificate in <paramref name="certificatePath"/> with the key in <paramref name="keyPath"/> (or in the same file).</summary>
    /// <exception cref="ArgumentException">A file is missing or not PEM, the key does not match, or the certificate may not authenticate a TLS server and client; the message names the option.</exception>
    public static X509Certificate2 Load(string certificatePath, string? keyPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        if (!File.Exists(certificatePath)) throw new ArgumentException($"--tls-certificate: '{certificatePath}' does not exist");
        if (keyPath is not null && !File.Exists(keyPath)) throw new ArgumentException($"--tls-key: '{keyPath}' does not exist");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath ?? certificatePath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            var key = keyPath is null ? $"with its private key in the same file (or pass --tls-key)" : $"with the private key in '{keyPath}'";
            throw new ArgumentException($"--tls-certificate: '{certificatePath}' could not be read as a PEM certificate {key}: {e.Message}", e);
        }

        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().FirstOrDefault()?.EnhancedKeyUsages;
        if (usages is not null)
        {
            var oids = usages.Cast<Oid>().Select(o => o.Value).ToHashSet();
            if (!oids.Contains(ServerAuthentication) || !oids.Contains(ClientAuthentication))
            {
                var subject = certificate.Subject;
                certificate.Dispose();
                throw new ArgumentException($"--tls-certificate: '{certificatePath}' ({subject}) limits its extended key usage without both serverAuth and clientAuth; "
                    + "a silo is the server and the client of its connections to other silos, so it needs both");
            }
        }

        return certificate;
    }
}
