package io.fedfactory.inference.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fedfactory.inference.prediction.ImageInput;
import io.fedfactory.inference.prediction.Prediction;
import io.fedfactory.inference.prediction.PredictionException;
import io.fedfactory.inference.prediction.Predictor;
import io.fedfactory.inference.serving.ServingSettings;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * REST predictions: one image as a PNG body or a JSON tensor {@code {"tensor":[...],"shape":[C,H,W]}},
 * or several JSON tensors as a list. Query {@code top_k} (default 3) and {@code required_version}.
 */
@Path("/v1/federations/{id}")
@Produces(MediaType.APPLICATION_JSON)
public class PredictResource {

    /** A single prediction as the REST API returns it. */
    public record PredictView(String federationId, String modelVersion, List<Prediction.LabelScore> top) {
    }

    /** Top labels of one image of a batch. */
    public record TopView(List<Prediction.LabelScore> top) {
    }

    public record BatchView(String federationId, String modelVersion, List<TopView> predictions) {
    }

    // NaN and Infinity are accepted by the parser so that the tensor check can refuse them by position.
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    @Inject
    Predictor predictor;

    @Inject
    ServingSettings settings;

    @POST
    @Path("/predict")
    @Consumes("image/png")
    public PredictView predictPng(@PathParam("id") String id, @QueryParam("top_k") String topK,
                                  @QueryParam("required_version") String requiredVersion, byte[] body) {
        checkSize(body, "body");
        return single(predictor.predict(id, List.of(new ImageInput.Png(body, "body (image/png)")),
                topK(topK), requiredVersion, "rest"));
    }

    @POST
    @Path("/predict")
    @Consumes(MediaType.APPLICATION_JSON)
    public PredictView predictTensor(@PathParam("id") String id, @QueryParam("top_k") String topK,
                                     @QueryParam("required_version") String requiredVersion, byte[] body) {
        checkSize(body, "body");
        ImageInput image = tensor(parse(body), "");
        return single(predictor.predict(id, List.of(image), topK(topK), requiredVersion, "rest"));
    }

    @POST
    @Path("/predict-batch")
    @Consumes(MediaType.APPLICATION_JSON)
    public BatchView predictBatch(@PathParam("id") String id, @QueryParam("top_k") String topK,
                                  @QueryParam("required_version") String requiredVersion, byte[] body) {
        checkSize(body, "body");
        JsonNode list = parse(body);
        if (!list.isArray()) {
            throw PredictionException.invalid("body", "must be a JSON list of {\"tensor\": [...], \"shape\": [C, H, W]}");
        }
        List<ImageInput> images = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) images.add(tensor(list.get(i), "[" + i + "]."));
        Prediction p = predictor.predict(id, images, topK(topK), requiredVersion, "rest");
        return new BatchView(p.federationId(), p.modelVersion(), p.images().stream().map(TopView::new).toList());
    }

    private static PredictView single(Prediction p) {
        return new PredictView(p.federationId(), p.modelVersion(), p.images().get(0));
    }

    private void checkSize(byte[] body, String field) {
        if (body == null || body.length == 0) {
            throw PredictionException.invalid(field, "is empty");
        }
        if (body.length > settings.maxBodyBytes()) {
            throw PredictionException.overLimit(field, "MAX_BODY_BYTES", "fedfactory.inference.max-body-bytes="
                    + settings.maxBodyBytes(), "has " + body.length + " bytes; at most " + settings.maxBodyBytes()
                    + " (fedfactory.inference.max-body-bytes)");
        }
    }

    private static Integer topK(String value) {
        if (value == null || value.isEmpty()) return null;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw PredictionException.invalid("top_k", "must be an integer, got '" + value + "'");
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw PredictionException.overLimit("body", "NOT_JSON", "JSON", "is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw PredictionException.invalid("body", "cannot be read: " + e.getMessage());
        }
    }

    private static ImageInput tensor(JsonNode node, String prefix) {
        if (node == null || !node.isObject()) {
            throw PredictionException.invalid(prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
                    "must be a JSON object {\"tensor\": [...], \"shape\": [C, H, W]}");
        }
        JsonNode values = node.get("tensor");
        JsonNode shape = node.get("shape");
        if (values == null || !values.isArray()) {
            throw PredictionException.invalid(prefix + "tensor", "is required: a list of numbers (CHW order)");
        }
        if (shape == null || !shape.isArray()) {
            throw PredictionException.invalid(prefix + "shape", "is required: [C, H, W]");
        }
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            JsonNode v = values.get(i);
            if (!v.isNumber()) {
                throw PredictionException.invalid(prefix + "tensor[" + i + "]", "is not a number: " + v);
            }
            floats[i] = (float) v.doubleValue();
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber()) {
                throw PredictionException.invalid(prefix + "shape[" + i + "]", "is not an integer: " + d);
            }
            dims[i] = d.longValue();
        }
        return new ImageInput.Tensor(floats, dims, prefix + "tensor", prefix + "shape");
    }
}
