using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ensemble.Silo.Access;

/// <summary>
/// The certificates a cluster trusts for its TLS connections: a remote certificate is a cluster member's when it chains to
/// one of them (a self-signed certificate shared by every silo is its own authority). Host names are not checked: silos
/// reach each other at the pod IPs in the membership table, which no certificate names.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private readonly X509Certificate2Collection _roots;

    private CertificateAuthority(X509Certificate2Collection roots, string path)
    {
        _roots = roots;
        Path = path;
    }

    /// <summary>The file the authority was read from, for messages.</summary>
    public string Path { get; }

    /// <summary>Reads every PEM certificate in <paramref name="path"/>.</summary>
    /// <param name="path">A PEM file of one or more certificates.</param>
    /// <param name="option">The option or variable that named the file, for the error.</param>
    /// <exception cref="ArgumentException">The file is missing, unreadable or holds no PEM certificate; the message names <paramref name="option"/>.</exception>
    public static CertificateAuthority Load(string path, string option)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new ArgumentException($"{option}: '{path}' does not exist");
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            Dispose(roots);
            throw new ArgumentException($"{option}: '{path}' is not a PEM file of certificates: {e.Message}", e);
        }

        if (roots.Count == 0) throw new ArgumentException($"{option}: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return new CertificateAuthority(roots, path);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of the authority's certificates (validity dates included, revocation not checked).</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        try
        {
            return chain.Build(certificate);
        }
        finally
        {
            foreach (var element in chain.ChainElements) element.Certificate.Dispose();
        }
    }

    /// <summary>A certificate as messages name it: its subject and thumbprint.</summary>
    public static string Describe(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return $"'{certificate.Subject}' ({certificate.GetCertHashString(HashAlgorithmName.SHA256)[..16]}…)";
    }

    /// <inheritdoc/>
    public void Dispose() => Dispose(_roots);

    private static void Dispose(X509Certificate2Collection certificates)
    {
        foreach (var certificate in certificates) certificate.Dispose();
    }
}
