using System.Security.Cryptography.X509Certificates;
using Orleans;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Ensemble.Silo.Access;

/// <summary>
/// TLS on a silo's Orleans ports (<c>Microsoft.Orleans.Connections.Security</c>). Silo to silo is mutual: each side
/// presents the silo certificate and accepts only one the cluster's <see cref="CertificateAuthority"/> issued, so nothing without the
/// cluster's key joins it. At the gateway a client needs no certificate (the CLI has none): it checks the silo's
/// certificate against the same authority, and then proves itself with the cluster's token, over the encrypted
/// connection, as an HTTPS client would with a bearer token.
/// </summary>
public static class ClusterTls
{
    /// <summary>How long a TLS handshake may take before the connection is dropped (Orleans' default).</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Encrypts the silo's inbound and outbound silo connections and its gateway with <paramref name="certificate"/>.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, X509Certificate2 certificate, CertificateAuthority authority)
    {
        var members = Options(certificate, authority, RemoteCertificateMode.RequireCertificate);
        var gateway = Options(certificate, authority, RemoteCertificateMode.NoCertificate);
        return silo.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(c => c.UseServerTls(members));
            connections.ConfigureSiloOutboundConnection(c => c.UseClientTls(members));
            connections.ConfigureGatewayInboundConnection(c => c.UseServerTls(gateway));
        });
    }

    /// <summary>Connects an Orleans client (the CLI) over TLS, without a certificate of its own, to gateways whose certificate <paramref name="authority"/> issued.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, CertificateAuthority authority)
    {
        var gateway = Options(certificate: null, authority, RemoteCertificateMode.RequireCertificate);
        return client.Configure<ClientConnectionOptions>(connections => connections.ConfigureConnection(c => c.UseClientTls(gateway)));
    }

    /// <summary>The options of a connection whose peer is a cluster member when its certificate chains to <paramref name="authority"/>.</summary>
    /// <param name="certificate">This side's certificate, or null for a client that presents none.</param>
    /// <param name="authority">Whom the remote certificate must be issued by.</param>
    /// <param name="remote">Whether the remote side must present a certificate.</param>
    private static TlsOptions Options(X509Certificate2? certificate, CertificateAuthority authority, RemoteCertificateMode remote) => new()
    {
        LocalCertificate = certificate,
        RemoteCertificateMode = remote,
        ClientCertificateMode = certificate is null ? RemoteCertificateMode.NoCertificate : RemoteCertificateMode.RequireCertificate,
        // Replaces the platform's verdict (a name mismatch at least: peers are IPs) with the cluster's own: issued by the authority.
        RemoteCertificateValidation = (remoteCertificate, _, _) => authority.Issued(remoteCertificate),
        HandshakeTimeout = HandshakeTimeout,
    };
}
