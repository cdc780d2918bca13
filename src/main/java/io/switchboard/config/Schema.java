package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shape of the configuration as the records declare it: which keys a record accepts and what each holds.
 * Keys come from {@code @JsonProperty} on the record components, so the records stay the single source of truth.
 */
final class Schema {

    /** One key of a record: its YAML name, its declared type and the component it feeds. */
    record Field(String name, Type type, RecordComponent component) {
    }

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (RecordComponent c : type.getRecordComponents()) {
                // @JsonProperty cannot target record components; Java propagates it to the accessor instead.
                JsonProperty property = c.getAccessor().getAnnotation(JsonProperty.class);
                String name = property != null && !property.value().isEmpty() ? property.value() : c.getName();
                fields.add(new Field(name, c.getGenericType(), c));
            }
            return List.copyOf(fields);
        }
    };

    private Schema() {
    }

    static List<Field> fields(Class<?> recordType) {
        return FIELDS.get(recordType);
    }

    static List<String> keys(Class<?> recordType) {
        return fields(recordType).stream().map(Field::name).toList();
    }

    static boolean isRecord(Type type) {
        return type instanceof Class<?> c && c.isRecord();
    }

    static boolean isList(Type type) {
        return rawClass(type) == List.class;
    }

    static boolean isMap(Type type) {
        return rawClass(type) == Map.class;
    }

    static boolean isScalar(Type type) {
        return !isRecord(type) && !isList(type) && !isMap(type);
    }

    /** The element type of a {@code List<E>} or the value type of a {@code Map<String, V>}. */
    static Type contentType(Type type) {
        Type[] args = ((ParameterizedType) type).getActualTypeArguments();
        return args[args.length - 1];
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unsupported configuration type " + type);
    }

    /** How a value of this type is described in an error: "expected an integer". */
    static String describe(Type type) {
        Class<?> c = rawClass(type);
        if (c == Integer.class || c == Long.class || c == int.class || c == long.class) {
            return "an integer";
        }
        if (c == Double.class || c == double.class) {
            return "a number";
        }
        if (c == Boolean.class || c == boolean.class) {
            return "true or false";
        }
        if (c == String.class) {
            return "a string";
        }
        if (c.isEnum()) {
            return "one of " + String.join(", ", enumNames(c));
        }
        if (isList(type)) {
            return "a list";
        }
        return "a map";
    }

    static List<String> enumNames(Class<?> enumType) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            names.add(((Enum<?>) constant).name());
        }
        return names;
    }
}
