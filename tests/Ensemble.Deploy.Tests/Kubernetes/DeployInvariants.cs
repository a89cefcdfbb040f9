using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>
/// What must hold in a rendered overlay for the silos to start, form an Orleans cluster, be reachable, be probed, be
/// scraped, drain, and be submitted to. <see cref="Check"/> lists every violation, each naming the object and the field.
/// </summary>
internal static class DeployInvariants
{
    public const string Namespace = "ensemble";

    public const string GpuResource = "nvidia.com/gpu";

    /// <summary>The silo host allows itself this long beyond the drain to stop (SiloHost: ShutdownTimeout = drain + 20 s).</summary>
    public const int HostShutdownAllowanceSeconds = 20;

    /// <summary>Slack on top, for the endpoint removal and the process exit.</summary>
    public const int GraceMarginSeconds = 10;

    /// <summary>The CLI's defaults (SiloCommand), used when an option is not given.</summary>
    private const double DefaultDrainSeconds = 25;
    private const int DefaultSlots = 1;
    private const int DefaultTerminationGraceSeconds = 30;

    private static readonly string[] ClusterScopedKinds = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "CustomResourceDefinition"];

    public static IReadOnlyList<string> Check(RenderedManifests manifests, Flavor flavor)
    {
        var problems = new List<string>();
        var silos = Containers(manifests).Where(c => c.Args.FirstOrDefault() == "silo").ToList();
        if (silos.Count != 1)
        {
            problems.Add($"expected exactly one container that runs `ensemble silo` (args[0] = silo), found {silos.Count}: "
                + string.Join(", ", silos.Select(s => s.Where)));
            return problems;
        }

        var silo = silos[0];
        CheckSilo(manifests, silo, flavor, problems);
        CheckSubmitJob(manifests, silo, flavor, problems);
        CheckEveryContainer(manifests, flavor, problems);
        CheckNamespaces(manifests, problems);
        CheckStoreSecret(manifests, silo, problems);
        return problems;
    }

    private static IEnumerable<ContainerView> Containers(RenderedManifests manifests) =>
        manifests.Objects.Where(o => o.PodSpec is not null).SelectMany(o => o.Containers.Select(c => new ContainerView(o, c)));

    private static void CheckSilo(RenderedManifests manifests, ContainerView silo, Flavor flavor, List<string> problems)
    {
        var workload = silo.Owner;
        var podSpec = workload.PodSpec!;
        if (workload.Kind is not ("StatefulSet" or "Deployment"))
        {
            problems.Add($"{workload.Id}: the silo runs in a {workload.Kind}; expected a StatefulSet or Deployment");
        }

        // --urls: all interfaces, one port.
        int? port = null;
        var urls = silo.ExpandedOption("--urls");
        if (urls is null)
        {
            problems.Add($"{silo.Where}.args: --urls is missing; the default listens on 127.0.0.1 only, out of the pod's reach");
        }
        else if (!Uri.TryCreate(urls, UriKind.Absolute, out var uri) || uri.Scheme != "http")
        {
            problems.Add($"{silo.Where}.args: --urls '{urls}' is not one http://HOST:PORT");
        }
        else
        {
            port = uri.Port;
            if (uri.Host is not ("0.0.0.0" or "[::]"))
            {
                problems.Add($"{silo.Where}.args: --urls '{urls}' listens on {uri.Host}; in a pod it must be 0.0.0.0 (or [::]) to be reachable");
            }
        }

        if (port is { } p)
        {
            if (ResolvePort(silo, "http") != p)
            {
                problems.Add($"{silo.Where}.ports: no port named http with containerPort {p} (the --urls port); found "
                    + Describe(KubeObject.Items(silo.Json["ports"])));
            }

            CheckProbes(silo, p, problems);
            CheckServices(manifests, silo, p, problems);
            CheckPodMonitor(manifests, silo, p, problems);
        }

        if (!manifests.OfKind("PodDisruptionBudget").Any(b => KubeObject.Selects(KubeObject.Labels(b.Json["spec"]?["selector"]?["matchLabels"]), workload.PodLabels)))
        {
            problems.Add($"{workload.Id}: no PodDisruptionBudget selects its pods ({FormatLabels(workload.PodLabels)})");
        }

        // Grace period: the drain, the host's allowance beyond it, and a margin.
        var drainText = silo.ExpandedOption("--drain-seconds");
        double drain = DefaultDrainSeconds;
        if (drainText is not null && !double.TryParse(drainText, NumberStyles.Float, CultureInfo.InvariantCulture, out drain))
        {
            problems.Add($"{silo.Where}.args: --drain-seconds '{drainText}' is not a number");
        }

        var grace = KubeObject.Integer(podSpec["terminationGracePeriodSeconds"]) ?? DefaultTerminationGraceSeconds;
        var needed = drain + HostShutdownAllowanceSeconds + GraceMarginSeconds;
        if (grace < needed)
        {
            problems.Add($"{workload.Id}: spec.template.spec.terminationGracePeriodSeconds is {grace}; it must be at least "
                + $"{needed.ToString(CultureInfo.InvariantCulture)} = --drain-seconds {drain.ToString(CultureInfo.InvariantCulture)} + {HostShutdownAllowanceSeconds} "
                + $"(the host's shutdown allowance beyond the drain) + {GraceMarginSeconds} margin, or SIGKILL cuts the checkpoint short");
        }

        // Where the silo's identity, store and token come from.
        var idVariable = ContainerView.ReferencedVariable(silo.Option("--id"));
        if (idVariable is null || silo.EnvFieldPath(idVariable) != "metadata.name")
        {
            problems.Add($"{silo.Where}.args: --id must be $(VAR) with VAR from the downward API's metadata.name (the pod name), got '{silo.Option("--id")}'");
        }

        var storeVariable = ContainerView.ReferencedVariable(silo.Option("--store"));
        if (storeVariable is null || silo.EnvSecret(storeVariable) is null)
        {
            problems.Add($"{silo.Where}.args: --store must be $(VAR) with VAR from a secretKeyRef (the URL holds a password), got '{silo.Option("--store")}'");
        }
        else
        {
            CheckSecretRef(manifests, silo, storeVariable, problems);
        }

        CheckSecretRef(manifests, silo, "ENSEMBLE_TOKEN", problems);
        CheckArtifacts(manifests, silo, problems);
        CheckDevices(silo, flavor, problems);
        KubernetesHostingInvariants.Check(manifests, silo, problems);
    }

    private static void CheckProbes(ContainerView silo, int port, List<string> problems)
    {
        string? Path(string probe, bool required)
        {
            var node = silo.Json[probe];
            if (node is null)
            {
                if (required) problems.Add($"{silo.Where}.{probe} is missing");
                return null;
            }

            var get = node["httpGet"];
            if (get is null)
            {
                problems.Add($"{silo.Where}.{probe}: expected an httpGet probe");
                return null;
            }

            var portValue = KubeObject.Text(get["port"]);
            if (ResolvePort(silo, portValue) != port)
            {
                problems.Add($"{silo.Where}.{probe}.httpGet.port '{portValue}' is not the silo's port {port} (--urls)");
            }

            var path = KubeObject.Text(get["path"]);
            if (string.IsNullOrEmpty(path)) problems.Add($"{silo.Where}.{probe}.httpGet.path is missing");
            return path;
        }

        var readiness = Path("readinessProbe", required: true);
        var liveness = Path("livenessProbe", required: true);
        Path("startupProbe", required: false);
        if (readiness is not null && readiness == liveness)
        {
            problems.Add($"{silo.Where}: readinessProbe and livenessProbe both GET {readiness}; readiness (a cluster member whose database answers) must be "
                + "separate from liveness (the process answers), or a database outage restarts every silo");
        }
    }

    private static void CheckServices(RenderedManifests manifests, ContainerView silo, int port, List<string> problems)
    {
        var services = manifests.OfKind("Service")
            .Where(s => KubeObject.Selects(KubeObject.Labels(s.Json["spec"]?["selector"]), silo.Owner.PodLabels)).ToList();
        if (!services.Any(s => KubeObject.Text(s.Json["spec"]?["clusterIP"]) != "None"))
        {
            problems.Add($"{silo.Owner.Id}: no (non-headless) Service selects its pods ({FormatLabels(silo.Owner.PodLabels)})");
        }

        // Each Service port reaches the container port of its name: silo and gateway Orleans' endpoints, anything else the API.
        foreach (var service in services)
        {
            foreach (var servicePort in KubeObject.Items(service.Json["spec"]?["ports"]))
            {
                var name = KubeObject.Text(servicePort["name"]);
                var target = KubeObject.Text(servicePort["targetPort"]) ?? KubeObject.Text(servicePort["port"]);
                var (expected, what, source) = name switch
                {
                    KubernetesHostingInvariants.SiloPortName => (ResolvePort(silo, name), "Orleans silo-to-silo port", $"container port {name}"),
                    KubernetesHostingInvariants.GatewayPortName => (ResolvePort(silo, name), "Orleans gateway port", $"container port {name}"),
                    _ => (port, "port", "--urls"),
                };
                if (ResolvePort(silo, target) is not { } reached || reached != expected)
                {
                    var number = expected is { } e ? e.ToString(CultureInfo.InvariantCulture) : "(none declared)";
                    problems.Add($"{service.Id}: spec.ports[{name ?? KubeObject.Text(servicePort["port"])}].targetPort '{target}' does not reach the silo's "
                        + $"{what} {number} ({source})");
                }
            }
        }
    }

    private static void CheckPodMonitor(RenderedManifests manifests, ContainerView silo, int port, List<string> problems)
    {
        var monitors = manifests.OfKind("PodMonitor")
            .Where(m => KubeObject.Selects(KubeObject.Labels(m.Json["spec"]?["selector"]?["matchLabels"]), silo.Owner.PodLabels)).ToList();
        if (monitors.Count == 0)
        {
            problems.Add($"{silo.Owner.Id}: no PodMonitor selects its pods ({FormatLabels(silo.Owner.PodLabels)})");
        }

        foreach (var monitor in monitors)
        {
            var endpoints = KubeObject.Items(monitor.Json["spec"]?["podMetricsEndpoints"]).ToList();
            if (endpoints.Count == 0) problems.Add($"{monitor.Id}: spec.podMetricsEndpoints is empty");
            foreach (var endpoint in endpoints)
            {
                var name = KubeObject.Text(endpoint["port"]);
                if (name is null || ResolvePort(silo, name) != port || int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    problems.Add($"{monitor.Id}: spec.podMetricsEndpoints[].port '{name}' must name the silo container's port ({port})");
                }

                var path = KubeObject.Text(endpoint["path"]) ?? "/metrics";
                if (path != "/metrics") problems.Add($"{monitor.Id}: spec.podMetricsEndpoints[].path is '{path}'; the silo serves /metrics");
            }
        }
    }

    private static void CheckArtifacts(RenderedManifests manifests, ContainerView silo, List<string> problems)
    {
        var path = silo.ExpandedOption("--artifacts");
        if (path is null)
        {
            problems.Add($"{silo.Where}.args: --artifacts is missing");
            return;
        }

        var mount = KubeObject.Items(silo.Json["volumeMounts"]).FirstOrDefault(m => KubeObject.Text(m["mountPath"])?.TrimEnd('/') == path.TrimEnd('/'));
        if (mount is null)
        {
            problems.Add($"{silo.Where}.volumeMounts: nothing is mounted at {path} (--artifacts); artifacts would stay in the pod");
            return;
        }

        if (KubeObject.Text(mount["readOnly"]) == "true") problems.Add($"{silo.Where}.volumeMounts[{KubeObject.Text(mount["name"])}] at {path} is read-only");
        var volumeName = KubeObject.Text(mount["name"]);
        var volume = KubeObject.Items(silo.Owner.PodSpec!["volumes"]).FirstOrDefault(v => KubeObject.Text(v["name"]) == volumeName);
        var claim = KubeObject.Text(volume?["persistentVolumeClaim"]?["claimName"]);
        if (claim is null)
        {
            problems.Add($"{silo.Owner.Id}: spec.template.spec.volumes[{volumeName}] (mounted at {path}) is not a persistentVolumeClaim");
            return;
        }

        var pvc = manifests.Find("PersistentVolumeClaim", claim);
        if (pvc is null)
        {
            problems.Add($"{silo.Owner.Id}: spec.template.spec.volumes[{volumeName}] claims PersistentVolumeClaim/{claim}, which is not in the rendered output");
        }
        else if (!(pvc.Json["spec"]?["accessModes"] as JsonArray ?? []).Select(KubeObject.Text).Contains("ReadWriteMany"))
        {
            problems.Add($"{pvc.Id}: spec.accessModes must include ReadWriteMany: every silo reads and writes the artifacts");
        }
    }

    private static void CheckDevices(ContainerView silo, Flavor flavor, List<string> problems)
    {
        var podSpec = silo.Owner.PodSpec!;
        var image = silo.Image ?? "";
        var gpuSelector = (podSpec["nodeSelector"] as JsonObject)?.Any(e => e.Key.StartsWith(GpuResource, StringComparison.Ordinal)) == true;
        var gpuToleration = KubeObject.Items(podSpec["tolerations"]).Any(t => KubeObject.Text(t["key"]) == GpuResource);
        var slotsText = silo.ExpandedOption("--slots");
        int slots = DefaultSlots;
        if (slotsText is not null && !int.TryParse(slotsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out slots))
        {
            problems.Add($"{silo.Where}.args: --slots '{slotsText}' is not an integer");
            return;
        }

        if (flavor == Flavor.Gpu)
        {
            var limit = KubeObject.Integer(silo.Json["resources"]?["limits"]?[GpuResource]);
            if (limit is null)
            {
                problems.Add($"{silo.Where}.resources.limits[\"{GpuResource}\"] is missing; it must equal --slots ({slots}): one GPU per slot");
            }
            else if (limit != slots || slots < 1)
            {
                problems.Add($"{silo.Where}.resources.limits[\"{GpuResource}\"] is {limit} but --slots is {slots}; they must be equal and at least 1 (slot i uses cuda:i)");
            }

            if (!gpuSelector) problems.Add($"{silo.Owner.Id}: spec.template.spec.nodeSelector has no {GpuResource}* label: GPU silos must land on GPU nodes");
            if (!gpuToleration) problems.Add($"{silo.Owner.Id}: spec.template.spec.tolerations has none for {GpuResource}: GPU nodes are tainted with it");
            if (!image.Contains("cuda", StringComparison.Ordinal)) problems.Add($"{silo.Where}.image '{image}' is not the CUDA image (deploy/docker/Dockerfile.cuda)");
        }
        else
        {
            if (silo.Json["resources"]?["limits"]?[GpuResource] is not null || silo.Json["resources"]?["requests"]?[GpuResource] is not null)
            {
                problems.Add($"{silo.Where}.resources asks for {GpuResource} in the cpu overlay");
            }

            if (gpuSelector) problems.Add($"{silo.Owner.Id}: spec.template.spec.nodeSelector asks for GPU nodes in the cpu overlay");
            if (image.Contains("cuda", StringComparison.Ordinal)) problems.Add($"{silo.Where}.image '{image}' is the CUDA image in the cpu overlay");
        }
    }

    private static void CheckSubmitJob(RenderedManifests manifests, ContainerView silo, Flavor flavor, List<string> problems)
    {
        var submitters = Containers(manifests)
            .Where(c => c.Owner.Kind == "Job" && string.Join(' ', c.Command.Concat(c.Args)).Contains("ensemble submit", StringComparison.Ordinal)).ToList();
        if (submitters.Count == 0)
        {
            problems.Add("no Job runs `ensemble submit`");
            return;
        }

        var siloStore = silo.EnvSecret("ENSEMBLE_STORE");
        var siloClusterId = silo.ExpandedOption("--cluster-id") ?? "ensemble";
        foreach (var job in submitters)
        {
            CheckSecretRef(manifests, job, "ENSEMBLE_TOKEN", problems);
            var script = string.Join('\n', job.Command.Concat(job.Args));
            if (script.Contains("--silo", StringComparison.Ordinal) || job.EnvEntry("ENSEMBLE_SILO") is not null)
            {
                problems.Add($"{job.Where}: --silo and ENSEMBLE_SILO are gone; the CLI finds the cluster with --cluster or ENSEMBLE_CLUSTER");
            }

            // The client reads the gateways from the silos' membership table: the same database, the same cluster id.
            var cluster = job.EnvSecret("ENSEMBLE_CLUSTER");
            if (cluster is null || cluster != siloStore)
            {
                problems.Add($"{job.Where}: env ENSEMBLE_CLUSTER must come from the silos' store secret ({siloStore?.Secret}/{siloStore?.Key}), not "
                    + (cluster is { } c ? $"{c.Secret}/{c.Key}" : job.EnvLiteral("ENSEMBLE_CLUSTER") is { } literal ? $"'{literal}'" : "nothing"));
            }

            if ((job.EnvLiteral("ENSEMBLE_CLUSTER_ID") ?? "ensemble") != siloClusterId)
            {
                problems.Add($"{job.Where}: env ENSEMBLE_CLUSTER_ID '{job.EnvLiteral("ENSEMBLE_CLUSTER_ID")}' is not the silos' --cluster-id '{siloClusterId}'");
            }

            var device = job.EnvLiteral("RUN_DEVICE");
            var expected = flavor == Flavor.Gpu ? "cuda" : "cpu";
            if (device != expected)
            {
                problems.Add($"{job.Where}.env[RUN_DEVICE] is '{device}'; the {flavor.ToString().ToLowerInvariant()} overlay's example run belongs on {expected}");
            }
        }
    }

    private static void CheckEveryContainer(RenderedManifests manifests, Flavor flavor, List<string> problems)
    {
        foreach (var container in Containers(manifests))
        {
            var requests = container.Json["resources"]?["requests"];
            foreach (var resource in new[] { "cpu", "memory" })
            {
                if (requests?[resource] is null) problems.Add($"{container.Where}.resources.requests.{resource} is missing");
            }

            var podSecurity = container.Owner.PodSpec!["securityContext"];
            var security = container.Json["securityContext"];
            var nonRoot = KubeObject.Text(security?["runAsNonRoot"]) ?? KubeObject.Text(podSecurity?["runAsNonRoot"]);
            var user = KubeObject.Text(security?["runAsUser"]) ?? KubeObject.Text(podSecurity?["runAsUser"]);
            if (nonRoot != "true") problems.Add($"{container.Where}: securityContext.runAsNonRoot is not true (neither the container's nor the pod's)");
            if (user == "0") problems.Add($"{container.Where}: securityContext.runAsUser is 0 (root)");
            if (flavor == Flavor.Cpu && (container.Json["resources"]?["limits"]?[GpuResource] ?? requests?[GpuResource]) is not null)
            {
                problems.Add($"{container.Where}.resources asks for {GpuResource} in the cpu overlay");
            }
        }
    }

    private static void CheckNamespaces(RenderedManifests manifests, List<string> problems)
    {
        if (manifests.Find("Namespace", Namespace) is null) problems.Add($"Namespace/{Namespace} is not in the rendered output");
        foreach (var o in manifests.Objects.Where(o => !ClusterScopedKinds.Contains(o.Kind) && o.Namespace != Namespace))
        {
            problems.Add($"{o.Id}: metadata.namespace is '{o.Namespace}', not {Namespace}");
        }
    }

    /// <summary>An in-cluster store URL names a Service that exists, and the database's own password matches the URL's.</summary>
    private static void CheckStoreSecret(RenderedManifests manifests, ContainerView silo, List<string> problems)
    {
        if (ContainerView.ReferencedVariable(silo.Option("--store")) is not { } variable || silo.EnvSecret(variable) is not { } reference) return;
        if (SecretValue(manifests, reference.Secret, reference.Key) is not { } url) return;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql")) return;
        if (uri.Host.Contains('.', StringComparison.Ordinal)) return; // outside the namespace: nothing here to check it against

        var service = manifests.Find("Service", uri.Host);
        var port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port;
        if (service is null || !KubeObject.Items(service.Json["spec"]?["ports"]).Any(p => KubeObject.Integer(p["port"]) == port))
        {
            problems.Add($"Secret/{reference.Secret}: {reference.Key} points the silos at {uri.Host}:{port}, but no Service {uri.Host} serves port {port}");
            return;
        }

        var database = Containers(manifests).FirstOrDefault(c => c.EnvSecret("POSTGRES_PASSWORD") is not null
            && KubeObject.Selects(KubeObject.Labels(service.Json["spec"]?["selector"]), c.Owner.PodLabels));
        if (database?.EnvSecret("POSTGRES_PASSWORD") is not { } passwordRef) return;
        var password = Uri.UnescapeDataString(uri.UserInfo.Split(':', 2) is [_, var p] ? p : "");
        if (SecretValue(manifests, passwordRef.Secret, passwordRef.Key) != password)
        {
            problems.Add($"Secret/{reference.Secret}: the password in {reference.Key} differs from Secret/{passwordRef.Secret} {passwordRef.Key}, "
                + $"which {database.Owner.Id} is created with");
        }
    }

    private static void CheckSecretRef(RenderedManifests manifests, ContainerView container, string variable, List<string> problems)
    {
        if (container.EnvSecret(variable) is not { } reference)
        {
            problems.Add($"{container.Where}.env[{variable}] must come from a secretKeyRef, not a literal or nothing");
            return;
        }

        var secret = manifests.Find("Secret", reference.Secret);
        if (secret is null)
        {
            problems.Add($"{container.Where}.env[{variable}]: secretKeyRef names Secret/{reference.Secret}, which is not in the rendered output");
        }
        else if (secret.Json["data"]?[reference.Key] is null && secret.Json["stringData"]?[reference.Key] is null)
        {
            problems.Add($"{container.Where}.env[{variable}]: Secret/{reference.Secret} has no key '{reference.Key}'");
        }
    }

    private static string? SecretValue(RenderedManifests manifests, string name, string key)
    {
        var secret = manifests.Find("Secret", name);
        if (KubeObject.Text(secret?.Json["stringData"]?[key]) is { } text) return text;
        return KubeObject.Text(secret?.Json["data"]?[key]) is { } data ? Encoding.UTF8.GetString(Convert.FromBase64String(data)) : null;
    }

    /// <summary>A port given by number, or by the name of one of the container's ports.</summary>
    internal static int? ResolvePort(ContainerView container, string? port)
    {
        if (port is null) return null;
        if (int.TryParse(port, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return number;
        return KubeObject.Integer(KubeObject.Items(container.Json["ports"]).FirstOrDefault(p => KubeObject.Text(p["name"]) == port)?["containerPort"]);
    }

    private static string Describe(IEnumerable<JsonObject> ports) =>
        string.Join(", ", ports.Select(p => $"{KubeObject.Text(p["name"]) ?? "(unnamed)"}={KubeObject.Text(p["containerPort"])}")) is { Length: > 0 } s ? s : "none";

    private static string FormatLabels(IReadOnlyDictionary<string, string> labels) => string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));
}
