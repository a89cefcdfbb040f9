using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ensemble.Tests.Tls;

/// <summary>
/// A certificate authority and a silo certificate it issued, written as PEM files the way an operator (or cert-manager,
/// in a Kubernetes TLS secret) would: <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>.
/// </summary>
internal sealed record TestCertificates(string Authority, string Certificate, string Key)
{
    /// <summary>Creates the authority and the silo certificate in <paramref name="directory"/>.</summary>
    /// <param name="directory">Where the three files go.</param>
    /// <param name="name">The authority's common name (two calls with different names are two unrelated authorities).</param>
    /// <param name="usages">The silo certificate's extended key usages (OIDs); server and client authentication unless told otherwise.</param>
    public static TestCertificates Create(string directory, string name = "ensemble-test-ca", params string[] usages)
    {
        Directory.CreateDirectory(directory);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var siloKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var siloRequest = new CertificateRequest("CN=ensemble-silo", siloKey, HashAlgorithmName.SHA256);
        siloRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        siloRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var oids = new OidCollection();
        foreach (var usage in usages.Length > 0 ? usages : ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]) oids.Add(new Oid(usage));
        siloRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        using var silo = siloRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var certificates = new TestCertificates(Path.Combine(directory, "ca.crt"), Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"));
        File.WriteAllText(certificates.Authority, ca.ExportCertificatePem());
        File.WriteAllText(certificates.Certificate, silo.ExportCertificatePem());
        File.WriteAllText(certificates.Key, siloKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }
}
