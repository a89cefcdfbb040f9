namespace Ensemble.Deploy.Tests.Kubernetes;

/// <summary>
/// The invariant checks can fail: a copy of deploy/k8s with one deliberate mistake renders, and the check names the
/// object and field that is wrong.
/// </summary>
public sealed class BrokenOverlayTests
{
    [Theory]
    [InlineData("gpu", "overlays/gpu/silo-gpu.yaml", "              memory: 16Gi\n              nvidia.com/gpu: 1\n", "              memory: 16Gi\n",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].resources.limits[\"nvidia.com/gpu\"] is missing; it must equal --slots (1)")]
    [InlineData("gpu", "overlays/gpu/silo-gpu.yaml", "              value: \"1\"", "              value: \"2\"",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].resources.limits[\"nvidia.com/gpu\"] is 1 but --slots is 2")]
    [InlineData("gpu", "overlays/gpu/kustomization.yaml", "newTag: cuda", "newTag: cpu",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].image 'ensemble:cpu' is not the CUDA image")]
    [InlineData("gpu", "overlays/gpu/silo-gpu.yaml", "          operator: Exists\n", "          operator: Exists\n          value: x\n",
        null)] // a harmless edit: still a toleration for nvidia.com/gpu (control: the copy itself passes)
    [InlineData("gpu", "overlays/gpu/submit-cuda.yaml", "value: cuda", "value: cpu",
        "Job/ensemble-submit-quick: spec.template.spec.containers[submit].env[RUN_DEVICE] is 'cpu'; the gpu overlay's example run belongs on cuda")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "              path: /readyz", "              path: /healthz",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo]: readinessProbe and livenessProbe both GET /healthz")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "            - http://0.0.0.0:8470", "            - http://0.0.0.0:8471",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].ports: no port named http with containerPort 8471")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "            - http://0.0.0.0:8470", "            - http://127.0.0.1:8470",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].args: --urls 'http://127.0.0.1:8470' listens on 127.0.0.1")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "terminationGracePeriodSeconds: 60", "terminationGracePeriodSeconds: 50",
        "StatefulSet/ensemble-silo: spec.template.spec.terminationGracePeriodSeconds is 50; it must be at least 55 = --drain-seconds 25 + 20")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "            - --drain-seconds\n            - \"25\"", "            - --drain-seconds\n            - \"40\"",
        "StatefulSet/ensemble-silo: spec.template.spec.terminationGracePeriodSeconds is 60; it must be at least 70 = --drain-seconds 40 + 20")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "                  name: ensemble-token\n                  key: token", "                  name: ensemble-token\n                  key: tokn",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].env[ENSEMBLE_TOKEN]: Secret/ensemble-token-")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "              mountPath: /var/lib/ensemble/artifacts", "              mountPath: /data",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].volumeMounts: nothing is mounted at /var/lib/ensemble/artifacts (--artifacts)")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "        runAsNonRoot: true\n        runAsUser: 10001", "        runAsNonRoot: false\n        runAsUser: 10001",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo]: securityContext.runAsNonRoot is not true")]
    [InlineData("cpu", "base/submit-job.yaml", "              cpu: 100m\n", "",
        "Job/ensemble-submit-quick: spec.template.spec.containers[submit].resources.requests.cpu is missing")]
    [InlineData("cpu", "base/submit-job.yaml", "            - name: ENSEMBLE_CLUSTER\n              valueFrom:\n                secretKeyRef:\n                  name: ensemble-store\n                  key: url\n",
        "            - name: ENSEMBLE_CLUSTER\n              value: ensemble-silo:30000\n",
        "Job/ensemble-submit-quick: spec.template.spec.containers[submit]: env ENSEMBLE_CLUSTER must come from the silos' store secret (ensemble-store-")]
    [InlineData("cpu", "base/submit-job.yaml", "            - name: ENSEMBLE_CLUSTER_ID\n              value: ensemble", "            - name: ENSEMBLE_CLUSTER_ID\n              value: blue",
        "Job/ensemble-submit-quick: spec.template.spec.containers[submit]: env ENSEMBLE_CLUSTER_ID 'blue' is not the silos' --cluster-id 'ensemble'")]
    [InlineData("cpu", "base/submit-job.yaml", "exec ensemble submit /tmp/quick.yaml --wait", "exec ensemble submit /tmp/quick.yaml --silo http://ensemble-silo:8470 --wait",
        "Job/ensemble-submit-quick: spec.template.spec.containers[submit]: --silo and ENSEMBLE_SILO are gone")]
    [InlineData("cpu", "base/submit-job.yaml", "            - name: ENSEMBLE_TOKEN\n              valueFrom:\n                secretKeyRef:\n                  name: ensemble-token\n                  key: token\n",
        "            - name: ENSEMBLE_TOKEN\n              value: change-me\n",
        "Job/ensemble-submit-quick: spec.template.spec.containers[submit].env[ENSEMBLE_TOKEN] must come from a secretKeyRef")]
    [InlineData("cpu", "base/silo-services.yaml", "      port: 8470\n      targetPort: http\n---", "      port: 8470\n      targetPort: 8080\n---",
        "Service/ensemble-silo: spec.ports[http].targetPort '8080' does not reach the silo's port 8470")]
    [InlineData("cpu", "base/silo-podmonitor.yaml", "    - port: http", "    - port: metrics",
        "PodMonitor/ensemble-silo: spec.podMetricsEndpoints[].port 'metrics' must name the silo container's port (8470)")]
    [InlineData("cpu", "base/silo-podmonitor.yaml", "      app.kubernetes.io/component: silo", "      app.kubernetes.io/component: silos",
        "StatefulSet/ensemble-silo: no PodMonitor selects its pods")]
    [InlineData("cpu", "base/silo-pdb.yaml", "      app.kubernetes.io/component: silo", "      app.kubernetes.io/component: postgres",
        "StatefulSet/ensemble-silo: no PodDisruptionBudget selects its pods")]
    [InlineData("cpu", "base/artifacts-pvc.yaml", "    - ReadWriteMany", "    - ReadWriteOnce",
        "PersistentVolumeClaim/ensemble-artifacts: spec.accessModes must include ReadWriteMany")]
    [InlineData("cpu", "base/kustomization.yaml", "      - password=change-me", "      - password=changed",
        "the password in url differs from Secret/ensemble-postgres-")]
    [InlineData("cpu", "base/kustomization.yaml", "@ensemble-postgres:5432/", "@ensemble-postgres:5433/",
        "points the silos at ensemble-postgres:5433, but no Service ensemble-postgres serves port 5433")]
    [InlineData("cpu", "overlays/cpu/silo-cpu.yaml", "              cpu: \"4\"\n              memory: 8Gi\n            limits:",
        "              cpu: \"4\"\n              memory: 8Gi\n              nvidia.com/gpu: 1\n            limits:",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].resources asks for nvidia.com/gpu in the cpu overlay")]
    // Orleans' Kubernetes hosting: the flag, the downward API, the ids in env, args and labels, the ports, the account.
    [InlineData("cpu", "base/silo-statefulset.yaml", "            - --kubernetes\n", "",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].args: --kubernetes is missing")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "fieldPath: status.podIP", "fieldPath: status.hostIP",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].env[POD_IP] must come from the downward API's fieldRef status.podIP")]
    [InlineData("gpu", "base/silo-statefulset.yaml", "fieldPath: metadata.namespace", "fieldPath: spec.nodeName",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].env[POD_NAMESPACE] must come from the downward API's fieldRef metadata.namespace")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "        orleans/clusterId: ensemble", "        orleans/clusterId: blue",
        "StatefulSet/ensemble-silo: spec.template.metadata.labels[orleans/clusterId] is 'blue'; it must be the silo's cluster id 'ensemble'")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "        orleans/serviceId: ensemble\n", "",
        "StatefulSet/ensemble-silo: spec.template.metadata.labels[orleans/serviceId] is missing; it must be the silo's service id 'ensemble'")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "- name: ORLEANS_CLUSTER_ID\n              value: ensemble", "- name: ORLEANS_CLUSTER_ID\n              value: blue",
        "StatefulSet/ensemble-silo: spec.template.metadata.labels[orleans/clusterId] is 'ensemble'; it must be the silo's cluster id 'blue'")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "            - $(ORLEANS_CLUSTER_ID)", "            - blue",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].args: --cluster-id 'blue' differs from env[ORLEANS_CLUSTER_ID] 'ensemble'")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "- name: ORLEANS_SERVICE_ID\n              value: ensemble", "- name: ORLEANS_SERVICE_ID\n              value: blue",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].env[ORLEANS_SERVICE_ID] is 'blue'; it must be ensemble")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "              containerPort: 11111", "              containerPort: 11112",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].ports: no port named silo with containerPort 11111")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "            - --kubernetes\n", "            - --kubernetes\n            - --gateway-port\n            - \"30001\"\n",
        "StatefulSet/ensemble-silo: spec.template.spec.containers[silo].args: --gateway-port 30001 is not applied under --kubernetes")]
    [InlineData("cpu", "base/silo-services.yaml", "      port: 11111\n      targetPort: silo", "      port: 11111\n      targetPort: gateway",
        "Service/ensemble-silo-pods: spec.ports[silo].targetPort 'gateway' does not reach the silo's Orleans silo-to-silo port 11111")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "      serviceAccountName: ensemble-silo\n", "",
        "StatefulSet/ensemble-silo: spec.template.spec.serviceAccountName is not set")]
    [InlineData("cpu", "base/silo-statefulset.yaml", "      automountServiceAccountToken: true", "      automountServiceAccountToken: false",
        "StatefulSet/ensemble-silo: spec.template.spec.automountServiceAccountToken is false")]
    [InlineData("cpu", "base/silo-rbac.yaml", "verbs: [\"get\", \"list\", \"watch\", \"patch\"]", "verbs: [\"get\", \"list\", \"watch\"]",
        "ServiceAccount/ensemble-silo: its Roles grant no patch on pods")]
    [InlineData("gpu", "base/silo-rbac.yaml", "verbs: [\"get\", \"list\", \"watch\", \"patch\"]", "verbs: [\"get\", \"list\", \"watch\", \"patch\", \"delete\"]",
        "ServiceAccount/ensemble-silo: its Roles grant delete on pods, more than Orleans' Kubernetes hosting needs")]
    [InlineData("cpu", "base/silo-rbac.yaml", "resources: [\"pods\"]", "resources: [\"pods\", \"secrets\"]",
        "ServiceAccount/ensemble-silo: its Roles grant get secrets, list secrets, patch secrets, watch secrets, more than")]
    [InlineData("cpu", "base/silo-rbac.yaml", "  - kind: ServiceAccount\n    name: ensemble-silo", "  - kind: ServiceAccount\n    name: default",
        "ServiceAccount/ensemble-silo: its Roles grant no get, list, patch, watch on pods")]
    [InlineData("cpu", "base/silo-rbac.yaml", "verbs: [\"get\", \"list\", \"watch\", \"patch\"]", "verbs: [\"watch\", \"patch\", \"get\", \"list\"]",
        null)] // a harmless edit: the same verbs in another order
    internal void Mistake_IsReported_ByObjectAndField(string overlay, string file, string find, string replace, string? expected)
    {
        using var temp = new TempDirectory("ensemble-k8s-");
        var root = temp.CopyTree(RepositoryPaths.K8s, "k8s");
        var path = Path.Combine(root, file);
        var text = File.ReadAllText(path);
        Assert.True(text.Contains(find, StringComparison.Ordinal), $"{file} no longer contains the text this test changes:\n{find}");
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));

        var problems = DeployInvariants.Check(Kustomize.Render(Path.Combine(root, "overlays", overlay)), overlay == "gpu" ? Flavor.Gpu : Flavor.Cpu);

        if (expected is null)
        {
            Assert.True(problems.Count == 0, string.Join('\n', problems));
        }
        else
        {
            Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
                $"expected a problem containing\n  {expected}\ngot\n  " + string.Join("\n  ", problems));
        }
    }

    [Fact]
    public void MissingKubectl_FailsWithAMessageSayingHowToInstallIt()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", "/nonexistent");
            var error = Assert.Throws<InvalidOperationException>(() => Kustomize.Render(RepositoryPaths.Overlay("cpu")));
            Assert.StartsWith("kubectl is not installed (or not on PATH)", error.Message, StringComparison.Ordinal);
            Assert.Contains("scripts/setup.sh --test", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}
