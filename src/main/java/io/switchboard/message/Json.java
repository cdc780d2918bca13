package io.switchboard.message;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON factory and mapper the request path shares. Jackson's default buffer recycling is per thread, which a
 * virtual thread per request defeats (every request would allocate fresh buffers); a shared pool recycles them.
 */
public final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

    private Json() {
    }

    /** A factory for streaming parsers and generators; its codec is {@link #mapper()}. */
    public static JsonFactory factory() {
        return MAPPER.getFactory();
    }

    /** A default-configured mapper; copy it ({@code rebuild()}) rather than reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A builder for a mapper with its own settings that still shares the recycling factory. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder(FACTORY.copy());
    }
}
