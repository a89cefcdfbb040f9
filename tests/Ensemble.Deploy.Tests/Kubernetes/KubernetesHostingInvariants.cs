using System.Globalization;
using System.Text.Json.Nodes;
using Orleans.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>
/// What Orleans' Kubernetes hosting (<c>ensemble silo --kubernetes</c>, Microsoft.Orleans.Hosting.Kubernetes) needs of
/// the silo pods: the downward-API environment, the cluster's ids in both the environment and the pod labels, the
/// silo and gateway ports, and a service account whose Role grants exactly what its agent calls. The names come from
/// the package itself where it publishes them (<see cref="KubernetesHostingOptions"/>, <see cref="EndpointOptions"/>).
/// </summary>
internal static class KubernetesHostingInvariants
{
    /// <summary>The service id SiloHost gives every silo (ClusterOptions.ServiceId): grain state and reminders are keyed by it.</summary>
    public const string ServiceId = "ensemble";

    /// <summary>SiloCommand's default <c>--cluster-id</c>.</summary>
    public const string DefaultClusterId = "ensemble";

    /// <summary>The container ports' names for Orleans' two endpoints.</summary>
    public const string SiloPortName = "silo";

    /// <inheritdoc cref="SiloPortName"/>
    public const string GatewayPortName = "gateway";

    /// <summary>The environment the hosting reads, and the downward-API field each must come from.</summary>
    public static readonly IReadOnlyList<(string Variable, string FieldPath)> DownwardApi =
    [
        (KubernetesHostingOptions.PodNameEnvironmentVariable, "metadata.name"),
        (KubernetesHostingOptions.PodNamespaceEnvironmentVariable, "metadata.namespace"),
        (KubernetesHostingOptions.PodIPEnvironmentVariable, "status.podIP"),
    ];

    /// <summary>
    /// What the hosting's agent (KubernetesClusterAgent, 10.4.2) calls, all on pods of its namespace: get (its own pod's
    /// labels), patch (sets them when they differ), list (the cluster's pods at start), watch (pod deletions). It deletes
    /// pods only with DeleteDefunctSiloPods, which SiloHost leaves off.
    /// </summary>
    public static readonly IReadOnlySet<string> PodVerbs = new SortedSet<string>(StringComparer.Ordinal) { "get", "list", "patch", "watch" };

    public static void Check(RenderedManifests manifests, ContainerView silo, List<string> problems)
    {
        if (!silo.Args.Contains("--kubernetes"))
        {
            problems.Add($"{silo.Where}.args: --kubernetes is missing: without Orleans' Kubernetes hosting a silo advertises whatever "
                + "address it finds first, and the silo of a deleted pod is found dead only by missed probes");
            return;
        }

        foreach (var (variable, fieldPath) in DownwardApi)
        {
            var actual = silo.EnvFieldPath(variable);
            if (actual != fieldPath)
            {
                problems.Add($"{silo.Where}.env[{variable}] must come from the downward API's fieldRef {fieldPath} (Orleans' Kubernetes hosting "
                    + $"reads it), got {(actual is null ? "no fieldRef" : $"'{actual}'")}");
            }
        }

        CheckIds(silo, problems);
        CheckPort(silo, SiloPortName, "--silo-port", EndpointOptions.DEFAULT_SILO_PORT, problems);
        CheckPort(silo, GatewayPortName, "--gateway-port", EndpointOptions.DEFAULT_GATEWAY_PORT, problems);
        CheckServiceAccount(manifests, silo, problems);
    }

    /// <summary>The cluster id the silo runs with: ORLEANS_CLUSTER_ID when set (the hosting prefers it), else --cluster-id, else the default.</summary>
    public static string ClusterId(ContainerView silo) =>
        NonBlank(silo.EnvLiteral(KubernetesHostingOptions.ClusterIdEnvironmentVariable)) ?? silo.ExpandedOption("--cluster-id") ?? DefaultClusterId;

    /// <summary>The service id the silo runs with: ORLEANS_SERVICE_ID when set, else SiloHost's.</summary>
    public static string EffectiveServiceId(ContainerView silo) =>
        NonBlank(silo.EnvLiteral(KubernetesHostingOptions.ServiceIdEnvironmentVariable)) ?? ServiceId;

    private static void CheckIds(ContainerView silo, List<string> problems)
    {
        var workload = silo.Owner;
        var clusterVariable = KubernetesHostingOptions.ClusterIdEnvironmentVariable;
        if (silo.EnvEntry(clusterVariable) is not null && NonBlank(silo.EnvLiteral(clusterVariable)) is null)
        {
            problems.Add($"{silo.Where}.env[{clusterVariable}] must be a literal value, so that the pod label {KubernetesHostingOptions.ClusterIdLabel} can repeat it");
        }

        var flag = silo.ExpandedOption("--cluster-id");
        var clusterId = ClusterId(silo);
        if (flag is not null && flag != clusterId)
        {
            problems.Add($"{silo.Where}.args: --cluster-id '{flag}' differs from env[{clusterVariable}] '{clusterId}', which Orleans' Kubernetes hosting puts in its place");
        }

        var serviceId = EffectiveServiceId(silo);
        if (serviceId != ServiceId)
        {
            problems.Add($"{silo.Where}.env[{KubernetesHostingOptions.ServiceIdEnvironmentVariable}] is '{serviceId}'; it must be {ServiceId}, "
                + "the service id the grain state and reminders in PostgreSQL are keyed by");
        }

        foreach (var (label, expected, source) in new[]
        {
            (KubernetesHostingOptions.ServiceIdLabel, serviceId, "service id"),
            (KubernetesHostingOptions.ClusterIdLabel, clusterId, "cluster id"),
        })
        {
            var actual = workload.PodLabels.GetValueOrDefault(label);
            if (actual != expected)
            {
                problems.Add($"{workload.Id}: spec.template.metadata.labels[{label}] is {(actual is null ? "missing" : $"'{actual}'")}; it must be the silo's "
                    + $"{source} '{expected}': Orleans' Kubernetes hosting finds the cluster's pods by it");
            }
        }
    }

    private static void CheckPort(ContainerView silo, string name, string option, int orleansDefault, List<string> problems)
    {
        var text = silo.ExpandedOption(option);
        if (text is not null && text != orleansDefault.ToString(CultureInfo.InvariantCulture))
        {
            problems.Add($"{silo.Where}.args: {option} {text} is not applied under --kubernetes (the silo listens on Orleans' default, {orleansDefault})");
        }

        var port = DeployInvariants.ResolvePort(silo, name);
        if (port != orleansDefault)
        {
            problems.Add($"{silo.Where}.ports: no port named {name} with containerPort {orleansDefault}, where the silo listens under --kubernetes; found "
                + (port is null ? "none" : port.Value.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static void CheckServiceAccount(RenderedManifests manifests, ContainerView silo, List<string> problems)
    {
        var workload = silo.Owner;
        var podSpec = workload.PodSpec!;
        var name = KubeObject.Text(podSpec["serviceAccountName"]);
        if (name is null or "default")
        {
            problems.Add($"{workload.Id}: spec.template.spec.serviceAccountName is {(name is null ? "not set" : "default")}; the silos need an account "
                + "of their own, bound to a Role for Orleans' Kubernetes hosting");
            return;
        }

        var account = manifests.Find("ServiceAccount", name);
        if (account is null)
        {
            problems.Add($"{workload.Id}: spec.template.spec.serviceAccountName names ServiceAccount/{name}, which is not in the rendered output");
            return;
        }

        var automount = KubeObject.Text(podSpec["automountServiceAccountToken"]) ?? KubeObject.Text(account.Json["automountServiceAccountToken"]);
        if (automount == "false")
        {
            problems.Add($"{workload.Id}: spec.template.spec.automountServiceAccountToken is false (here or on {account.Id}); Orleans' Kubernetes "
                + "hosting calls the API server with the mounted token");
        }

        var granted = new SortedSet<string>(StringComparer.Ordinal);
        var bindings = manifests.OfKind("RoleBinding", "ClusterRoleBinding").Where(b => KubeObject.Items(b.Json["subjects"]).Any(s =>
            KubeObject.Text(s["kind"]) == "ServiceAccount" && KubeObject.Text(s["name"]) == name
            && (KubeObject.Text(s["namespace"]) ?? b.Namespace) == (account.Namespace ?? DeployInvariants.Namespace))).ToList();
        foreach (var binding in bindings)
        {
            var roleKind = KubeObject.Text(binding.Json["roleRef"]?["kind"]);
            var roleName = KubeObject.Text(binding.Json["roleRef"]?["name"]);
            if (binding.Kind != "RoleBinding" || roleKind != "Role")
            {
                problems.Add($"{binding.Id}: binds {account.Id} to {roleKind}/{roleName}; Orleans' Kubernetes hosting needs pods in its own namespace "
                    + "only: a RoleBinding to a Role");
                continue;
            }

            var role = manifests.Find("Role", roleName ?? "");
            if (role is null)
            {
                problems.Add($"{binding.Id}: roleRef names Role/{roleName}, which is not in the rendered output");
                continue;
            }

            foreach (var rule in KubeObject.Items(role.Json["rules"]))
            {
                if (rule["resourceNames"] is not null)
                {
                    problems.Add($"{role.Id}: rules[].resourceNames limits a rule to named objects; the agent lists and watches every silo pod");
                }

                foreach (var group in Strings(rule, "apiGroups").DefaultIfEmpty("(none)"))
                {
                    foreach (var resource in Strings(rule, "resources").DefaultIfEmpty("(none)"))
                    {
                        foreach (var verb in Strings(rule, "verbs"))
                        {
                            granted.Add(group == "" && resource == "pods" ? verb : $"{verb} {(group == "" ? "" : group + "/")}{resource}");
                        }
                    }
                }
            }
        }

        var missing = PodVerbs.Except(granted, StringComparer.Ordinal).ToList();
        var extra = granted.Except(PodVerbs, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"{account.Id}: its Roles grant no {string.Join(", ", missing)} on pods; Orleans' Kubernetes hosting needs exactly "
                + $"{string.Join(", ", PodVerbs)} on pods (a refused call at start-up keeps the silo retrying)");
        }

        if (extra.Count > 0)
        {
            problems.Add($"{account.Id}: its Roles grant {string.Join(", ", extra.Select(e => e.Contains(' ', StringComparison.Ordinal) ? e : e + " on pods"))}, "
                + $"more than Orleans' Kubernetes hosting needs ({string.Join(", ", PodVerbs)} on pods)");
        }
    }

    private static IEnumerable<string> Strings(JsonObject rule, string key) =>
        (rule[key] as JsonArray ?? []).Select(KubeObject.Text).OfType<string>();

    private static string? NonBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
