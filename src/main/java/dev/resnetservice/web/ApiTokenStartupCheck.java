package dev.resnetservice.web;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.ConfigProvider;

/** Fails start-up on a token (api or predict) that is set but empty, before anything else starts. */
@ApplicationScoped
public class ApiTokenStartupCheck {

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION - 200) StartupEvent event) {
        ApiTokenFilter.requireNoBlankToken("RESNET_API_TOKEN (resnet.api-token)", System.getenv("RESNET_API_TOKEN"),
                ConfigProvider.getConfig().getConfigValue("resnet.api-token").getRawValue());
        ApiTokenFilter.requireNoBlankToken("RESNET_PREDICT_TOKEN (resnet.predict-token)",
                System.getenv("RESNET_PREDICT_TOKEN"),
                ConfigProvider.getConfig().getConfigValue("resnet.predict-token").getRawValue());
    }
}
