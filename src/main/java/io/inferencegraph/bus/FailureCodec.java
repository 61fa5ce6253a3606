package io.inferencegraph.bus;

import io.inferencegraph.api.ErrorCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/** Carries a {@link Failure} as its wire code and message, so that it stays a Failure on any node. */
final class FailureCodec implements MessageCodec<Failure, Failure> {

  @Override
  public void encodeToWire(Buffer buffer, Failure failure) {
    byte[] message = String.valueOf(failure.getMessage()).getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(failure.code().wire()).appendInt(message.length).appendBytes(message);
  }

  @Override
  public Failure decodeFromWire(int pos, Buffer buffer) {
    int code = buffer.getInt(pos);
    int length = buffer.getInt(pos + 4);
    String message = buffer.getString(pos + 8, pos + 8 + length, StandardCharsets.UTF_8.name());
    return new Failure(ErrorCode.ofWire(code), message);
  }

  @Override
  public Failure transform(Failure failure) {
    return failure;
  }

  @Override
  public String name() {
    return Failure.class.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
