package io.minbus.example.kv;

import io.minbus.rpc.Codec;
import io.minbus.rpc.RpcConfig;
import io.minbus.rpc.RpcEndpoint;
import io.minbus.rpc.RpcHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * Serves a {@link KeyValue} to two kinds of callers on the same commands {@code put}, {@code get}
 * and {@code keys}:
 *
 * <ul>
 *   <li><b>typed</b> (a Java proxy, or {@code minbus call kv put '["k","v"]'}): the body is a JSON
 *       array of the arguments, the answer one JSON value, exactly as if the interface were served
 *       with {@link RpcConfig.Builder#serve};
 *   <li><b>text</b> (the shell: {@code minbus call kv put k v}, {@code minbus call kv get k}): a body
 *       that does not start with {@code [} is UTF-8 words: {@code put KEY VALUE} (VALUE is the rest
 *       after the first space), {@code get KEY} answers the value and a newline (an error if there
 *       is none), {@code keys} answers one key per line.
 * </ul>
 */
public final class KvService {
    private static final Codec JSON = Codec.json();

    private KvService() {}

    /** The configuration of one session: the three commands over {@code kv}; {@code onStop} runs on cmd.stop. */
    public static RpcConfig config(KeyValue kv, Consumer<RpcEndpoint> onStop) {
        return RpcConfig.builder()
                .command("put", handler(kv, "put", text -> {
                    int space = text.indexOf(' ');
                    if (space <= 0) {
                        throw new IllegalArgumentException("usage: put KEY VALUE (got '" + text + "')");
                    }
                    kv.put(text.substring(0, space), text.substring(space + 1));
                    return "";
                }))
                .command("get", handler(kv, "get", text -> {
                    if (text.isEmpty() || text.contains(" ")) {
                        throw new IllegalArgumentException("usage: get KEY (got '" + text + "')");
                    }
                    return kv.get(text).orElseThrow(() -> new NoSuchElementException("no key '" + text + "'")) + "\n";
                }))
                .command("keys", handler(kv, "keys", text -> {
                    StringBuilder sb = new StringBuilder();
                    kv.keys().forEach(k -> sb.append(k).append('\n'));
                    return sb.toString();
                }))
                .metadata("example", "kv: typed (JSON array) or text bodies")
                .onStop(onStop)
                .build();
    }

    interface TextCommand {
        String run(String text) throws Exception;
    }

    private static RpcHandler handler(KeyValue kv, String name, TextCommand text) {
        Method method = method(name);
        Type[] params = method.getGenericParameterTypes();
        Type result = method.getGenericReturnType();
        return m -> {
            byte[] body = m.body();
            if (body.length > 0 && body[0] == '[') {
                Object[] args = JSON.decodeArguments(params, body);
                Object value;
                try {
                    value = method.invoke(kv, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                return result == void.class ? new byte[0] : JSON.encode(result, value);
            }
            return text.run(new String(body, StandardCharsets.UTF_8).strip()).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static Method method(String name) {
        for (Method m : KeyValue.class.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("KeyValue has no method " + name);
    }
}
