package io.fedfactory.console.pages;

import io.fedfactory.console.login.Session;
import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-rendered pages: Qute templates from {@code templates/} on the class path, every value
 * HTML-escaped, each page's body placed in {@code layout.html}.
 */
@ApplicationScoped
public class Views {

    private final Engine engine = Engine.builder().addDefaults().addValueResolver(new ReflectionValueResolver())
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).removeStandaloneLines(true).build();
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    /** A whole page: {@code name}'s body with {@code data}, in the layout with the title and who is logged in. */
    public String page(String name, String title, Session who, Map<String, Object> data) {
        Map<String, Object> all = new java.util.HashMap<>(data);
        all.put("who", who);
        String body = template(name).data(all).render();
        Map<String, Object> layout = new java.util.HashMap<>();
        layout.put("title", title);
        layout.put("who", who);
        layout.put("body", new io.quarkus.qute.RawString(body));
        return template("layout").data(layout).render();
    }

    private Template template(String name) {
        return templates.computeIfAbsent(name, n -> {
            try (InputStream in = Views.class.getResourceAsStream("/templates/" + n + ".html")) {
                if (in == null) throw new IllegalStateException("no template templates/" + n + ".html");
                return engine.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), Variant.forContentType(Variant.TEXT_HTML), n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
