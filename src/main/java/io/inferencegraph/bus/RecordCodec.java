package io.inferencegraph.bus;

import com.google.gson.Gson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Carries one record type of the bus protocol. Across nodes it travels as length-prefixed JSON
 * named by the record's components (the one place where the protocol meets JSON); on one node the
 * record itself is handed over, since records here are immutable.
 */
final class RecordCodec<T extends Record> implements MessageCodec<T, T> {
  private static final Gson GSON = new Gson();
  private final Class<T> type;

  RecordCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T record) {
    byte[] json = GSON.toJson(record).getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(json.length).appendBytes(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    String json = buffer.getString(pos + 4, pos + 4 + length, StandardCharsets.UTF_8.name());
    return GSON.fromJson(json, type);
  }

  @Override
  public T transform(T record) {
    return record;
  }

  @Override
  public String name() {
    return type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
