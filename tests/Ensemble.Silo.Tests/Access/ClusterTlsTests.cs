using System.Net;
using Ensemble.Contracts.Grains;
using Ensemble.Silo.Access;
using Ensemble.Silo.Hosting;
using Ensemble.Silo.Tests.Testing;
using Ensemble.Tests.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ClusterOptions = Orleans.Configuration.ClusterOptions;
using Orleans.Runtime;

namespace Ensemble.Silo.Tests.Access;

/// <summary>A silo with <c>--tls-certificate</c> speaks TLS on its Orleans ports; bad TLS options stop it before it touches its store.</summary>
public sealed class ClusterTlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ensemble-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_certificate_is_a_members_when_the_clusters_authority_issued_it_and_not_when_another_did()
    {
        var ours = TestCertificates.Create(Path.Combine(_directory, "ours"));
        var theirs = TestCertificates.Create(Path.Combine(_directory, "theirs"), "another-ca");
        using var authority = CertificateAuthority.Load(ours.Authority, "--tls-ca");
        using var oursIssued = SiloCertificate.Load(ours.Certificate, ours.Key);
        using var theirsIssued = SiloCertificate.Load(theirs.Certificate, theirs.Key);
        Assert.True(authority.Issued(oursIssued));
        Assert.False(authority.Issued(theirsIssued));
        Assert.True(oursIssued.HasPrivateKey);
    }

    [Fact]
    public async Task The_gateway_serves_a_client_that_trusts_the_clusters_authority_and_no_plain_or_mistrusting_client()
    {
        var certificates = TestCertificates.Create(Path.Combine(_directory, "ours"));
        var other = TestCertificates.Create(Path.Combine(_directory, "theirs"), "another-ca");
        await using var silo = await TestSilo.StartAsync(slots: 0, configure: o => o with
        {
            TlsCertificate = certificates.Certificate,
            TlsKey = certificates.Key,
            TlsAuthority = certificates.Authority,
        });
        var gateway = silo.Services.GetRequiredService<ILocalSiloDetails>().GatewayAddress!.Endpoint;

        using (var authority = CertificateAuthority.Load(certificates.Authority, "--cluster-ca"))
        using (var trusting = await StartClientAsync(gateway, authority, TimeSpan.FromSeconds(30)))
        {
            Assert.Single(await trusting.Services.GetRequiredService<IClusterClient>().GetGrain<ISiloDirectoryGrain>(0).List());
            await trusting.StopAsync();
        }

        // A plain client's bytes are no TLS handshake, and a client that trusts another authority refuses the silo's
        // certificate: neither gets in (Orleans' client retries until the start is given up).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StartClientAsync(gateway, null, TimeSpan.FromSeconds(3)));
        using var mistrusting = CertificateAuthority.Load(other.Authority, "--cluster-ca");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StartClientAsync(gateway, mistrusting, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Tls_options_that_cannot_work_stop_the_silo_naming_the_option_before_its_store_is_created()
    {
        var ours = TestCertificates.Create(Path.Combine(_directory, "ours"));
        var theirs = TestCertificates.Create(Path.Combine(_directory, "theirs"), "another-ca");
        var serverOnly = TestCertificates.Create(Path.Combine(_directory, "server-only"), "server-only-ca", "1.3.6.1.5.5.7.3.1");
        var notPem = Path.Combine(_directory, "not.pem");
        await File.WriteAllTextAsync(notPem, "not a certificate\n");
        var missing = Path.Combine(_directory, "missing.crt");

        await AssertRefusedAsync(o => o with { TlsKey = ours.Key }, "--tls-key: given without --tls-certificate, which turns TLS on");
        await AssertRefusedAsync(o => o with { TlsCertificate = missing }, $"--tls-certificate: '{missing}' does not exist");
        await AssertRefusedAsync(o => o with { TlsCertificate = ours.Certificate, TlsKey = missing }, $"--tls-key: '{missing}' does not exist");
        await AssertRefusedAsync(o => o with { TlsCertificate = ours.Certificate },
            $"--tls-certificate: '{ours.Certificate}' could not be read as a PEM certificate with its private key in the same file (or pass --tls-key)");
        await AssertRefusedAsync(o => o with { TlsCertificate = ours.Certificate, TlsKey = theirs.Key },
            $"--tls-certificate: '{ours.Certificate}' could not be read as a PEM certificate with the private key in '{theirs.Key}'");
        await AssertRefusedAsync(o => o with { TlsCertificate = ours.Certificate, TlsKey = ours.Key, TlsAuthority = notPem },
            $"--tls-ca: '{notPem}' holds no PEM certificate");
        await AssertRefusedAsync(o => o with { TlsCertificate = ours.Certificate, TlsKey = ours.Key, TlsAuthority = theirs.Authority },
            $"is not issued by the authority in '{theirs.Authority}' (--tls-ca), so the other silos would refuse it");
        await AssertRefusedAsync(o => o with { TlsCertificate = serverOnly.Certificate, TlsKey = serverOnly.Key, TlsAuthority = serverOnly.Authority },
            "without both serverAuth and clientAuth");
    }

    private async Task AssertRefusedAsync(Func<SiloOptions, SiloOptions> configure, string expected)
    {
        var store = Path.Combine(_directory, "store.db");
        var options = configure(new SiloOptions { Store = $"sqlite:{store}", Artifacts = Path.Combine(_directory, "artifacts"), Urls = null, ConsoleLogging = false });
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => SiloHost.BuildAsync(options, CancellationToken.None));
        Assert.Contains(expected, refused.Message);
        Assert.False(File.Exists(store), $"the store was created before the TLS options were refused: {refused.Message}");
    }

    private static async Task<IHost> StartClientAsync(IPEndPoint gateway, CertificateAuthority? authority, TimeSpan within)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(gateway).Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("ensemble", "ensemble"));
                if (authority is not null) client.UseClusterTls(authority);
            })
            .ConfigureLogging(logging => logging.ClearProviders())
            .Build();
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
