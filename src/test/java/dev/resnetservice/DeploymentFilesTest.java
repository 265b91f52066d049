package dev.resnetservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The settings that make the ROCm image, its compose service and the GPU deployment fail loudly, and compose safe. */
class DeploymentFilesTest {

    private static final ObjectMapper YAML = new YAMLMapper();

    @Test
    void theRocmImageInsistsOnTheGpuAndChecksItselfAtBuildTime() throws IOException {
        String dockerfile = Files.readString(Path.of("docker/Dockerfile.rocm"));
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        String build = dockerfile.substring(0, dockerfile.indexOf("\nFROM ", dockerfile.indexOf("AS build")));
        assertTrue(runtime.contains("RESNET_DEVICE=gpu"), "no silent CPU fallback");
        String libtorch = env(runtime, "PYTORCH_LIBRARY_PATH");
        assertTrue(runtime.contains("libdjl_torch.so " + libtorch + "/libdjl_torch.so"), "the JNI library sits next to libtorch");
        assertTrue(runtime.contains("ldd " + libtorch + "/libtorch.so | grep -q 'libtorch_hip.so => " + libtorch
                + "/libtorch_hip.so'"), "libtorch_hip behind libtorch.so");
        assertTrue(runtime.contains("ldd -r " + libtorch + "/libdjl_torch.so") && runtime.contains("not found|undefined symbol"),
                "nothing missing behind DJL's JNI library");
        assertTrue(build.contains("javac -cp 'target/quarkus-app/lib/main/*' -d /warmup docker/DjlWarmUp.java"),
                "the warm-up is compiled where a JDK is");
        assertTrue(runtime.contains("java -cp '/app/lib/main/*:/opt/warmup' DjlWarmUp"), "the engine loads at build time");
        assertTrue(dockerfile.contains("'torch/share/'"), "the wheel's share folder is unpacked");
        assertEquals(Path.of(libtorch).getParent().resolve("share/miopen/db").toString(), env(runtime, "MIOPEN_SYSTEM_DB_PATH"));
        assertTrue(dockerfile.contains("test -d /opt/torch/share/miopen/db"), "a wheel without MIOpen's databases fails the build");
    }

    @Test
    void composePassesTheGpuChoiceAndTheVisibleDevices() throws IOException {
        JsonNode rocm = YAML.readTree(Path.of("docker/compose.yaml").toFile()).at("/services/resnet-rocm");
        List<String> environment = texts(rocm.path("environment"));
        assertTrue(environment.contains("RESNET_DEVICE=${RESNET_DEVICE:-gpu}"), environment.toString());
        assertTrue(environment.contains("HIP_VISIBLE_DEVICES") && environment.contains("ROCR_VISIBLE_DEVICES"),
                environment.toString());
        assertEquals(List.of("/dev/kfd", "/dev/dri"), texts(rocm.path("devices")));
        assertTrue(texts(rocm.path("group_add")).contains("${RENDER_GID:-render}"));
    }

    @Test
    void composeHasAClusterOfPostgresOneApiAndTwoWorkersOnOneHome() throws IOException {
        JsonNode services = YAML.readTree(Path.of("docker/compose.yaml").toFile()).path("services");
        JsonNode api = services.path("resnet-api");
        JsonNode worker = services.path("resnet-worker");
        assertTrue(services.path("postgres").path("profiles").toString().contains("cluster"));
        assertEquals("api", api.at("/environment/RESNET_ROLE").asText());
        assertEquals("worker", worker.at("/environment/RESNET_ROLE").asText());
        assertEquals(2, worker.at("/deploy/replicas").asInt());
        for (JsonNode service : List.of(api, worker, services.path("resnet-worker-rocm"))) {
            assertEquals("postgres", service.at("/environment/RESNET_STORE").asText());
            assertEquals("jdbc:postgresql://postgres:5432/resnet", service.at("/environment/QUARKUS_DATASOURCE_JDBC_URL").asText());
            assertEquals(List.of("resnet-home:/data"), texts(service.path("volumes")), "one shared home");
        }
        assertTrue(api.at("/environment/RESNET_API_TOKEN").isNull(), "passed through, never set empty");
    }

    @Test
    void kubernetesHasAClusterVariantOfPostgresApiReplicasAndGpuWorkers() throws IOException {
        List<JsonNode> api = documents("deploy/overlays/cluster/api.yaml");
        JsonNode deployment = api.get(0);
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        assertEquals("api", envValue(deployment.at("/spec/template/spec/containers/0"), "RESNET_ROLE"));
        assertEquals("postgres", envValue(deployment.at("/spec/template/spec/containers/0"), "RESNET_STORE"));
        assertEquals("HorizontalPodAutoscaler", api.get(1).path("kind").asText());
        assertEquals("StatefulSet", documents("deploy/overlays/cluster/postgres.yaml").get(1).path("kind").asText());
        String overlay = Files.readString(Path.of("deploy/overlays/cluster/kustomization.yaml"));
        assertTrue(overlay.contains("{name: RESNET_ROLE, value: worker}") && overlay.contains("[ReadWriteMany]")
                && overlay.contains("value: resnet-worker"), overlay);
    }

    @Test
    void everyKubernetesVariantRendersWhereKubectlIsInstalled() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/kubectl")), "kubectl is not installed here");
        for (String variant : List.of("deploy", "deploy/overlays/cpu", "deploy/overlays/cluster")) {
            Process kustomize = new ProcessBuilder("/usr/bin/kubectl", "kustomize", variant).redirectErrorStream(true)
                    .start();
            String output = new String(kustomize.getInputStream().readAllBytes());
            assertEquals(0, kustomize.waitFor(), variant + ": " + output);
        }
    }

    private static List<JsonNode> documents(String file) throws IOException {
        return YAML.readValues(new YAMLFactory().createParser(Path.of(file).toFile()), JsonNode.class).readAll();
    }

    @Test
    void grafanaHasNoDefaultPassword() throws IOException {
        JsonNode grafana = YAML.readTree(Path.of("docker/compose.yaml").toFile()).at("/services/grafana/environment");
        assertTrue(grafana.path("GF_SECURITY_ADMIN_PASSWORD").asText().startsWith("${GRAFANA_ADMIN_PASSWORD:?"),
                "compose must refuse to start without a password: " + grafana);
    }

    @Test
    void theGpuDeploymentInsistsOnTheGpuAndTheCpuOverlayDoesNot() throws IOException {
        JsonNode deployment = YAML.readTree(Path.of("deploy/base/deployment.yaml").toFile());
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        assertEquals("gpu", envValue(container, "RESNET_DEVICE"));
        assertEquals("Unconfined", pod.at("/securityContext/seccompProfile/type").asText());
        assertTrue(pod.at("/securityContext/supplementalGroups").size() >= 2, "video and render");
        assertTrue(container.at("/securityContext/capabilities/add").isMissingNode(), "no added capabilities");
        assertTrue(Files.readString(Path.of("deploy/base/deployment.yaml")).contains("stat -c %g /dev/kfd"));

        List<JsonNode> patches = new ArrayList<>();
        for (JsonNode patch : YAML.readTree(Path.of("deploy/overlays/cpu/kustomization.yaml").toFile()).path("patches")) {
            patches.addAll(YAML.readValues(new YAMLFactory().createParser(patch.path("patch").asText()), JsonNode.class).readAll());
        }
        JsonNode merge = patches.stream().filter(p -> p.has("spec")).findFirst().orElseThrow();
        assertEquals("auto", envValue(merge.at("/spec/template/spec/containers/0"), "RESNET_DEVICE"));
        assertEquals("RuntimeDefault", merge.at("/spec/template/spec/securityContext/seccompProfile/type").asText());
    }

    private static String env(String dockerfile, String name) {
        Matcher matcher = Pattern.compile("\\b" + name + "=(\\S+)").matcher(dockerfile);
        assertTrue(matcher.find(), name + " is set");
        return matcher.group(1);
    }

    private static String envValue(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (name.equals(variable.path("name").asText())) {
                return variable.path("value").asText();
            }
        }
        return null;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
