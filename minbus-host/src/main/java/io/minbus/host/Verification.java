package io.minbus.host;

import java.security.PublicKey;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a plugin executable must match before it runs. The host reads the whole file into memory,
 * checks those bytes, writes them to a private directory (mode 0700) and runs that copy, so the file
 * cannot be swapped between the check and the start.
 */
public sealed interface Verification {

    /**
     * The executable's SHA-256 must equal {@code digest}.
     *
     * @param digest 32 bytes
     */
    record Sha256(byte[] digest) implements Verification {
        /** Checks and copies the digest. */
        public Sha256 {
            Objects.requireNonNull(digest, "digest");
            if (digest.length != 32) {
                throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + digest.length);
            }
            digest = digest.clone();
        }

        @Override
        public byte[] digest() {
            return digest.clone();
        }

        /** The digest in lower-case hex. */
        public String hex() {
            return HexFormat.of().formatHex(digest);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sha256 s && java.util.Arrays.equals(digest, s.digest);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(digest);
        }

        @Override
        public String toString() {
            return "sha256:" + hex();
        }
    }

    /**
     * {@code signature} must be a valid Ed25519 signature over the executable's bytes by one of
     * {@code trustedKeys} (JDK {@code Ed25519} keys; see {@link Ed25519Keys}).
     *
     * @param signature the 64-byte signature
     * @param trustedKeys the keys any of which may have signed
     */
    record Ed25519(byte[] signature, List<PublicKey> trustedKeys) implements Verification {
        /** Checks and copies the arguments. */
        public Ed25519 {
            Objects.requireNonNull(signature, "signature");
            if (signature.length != 64) {
                throw new IllegalArgumentException("an Ed25519 signature has 64 bytes, got " + signature.length);
            }
            signature = signature.clone();
            trustedKeys = List.copyOf(trustedKeys);
            if (trustedKeys.isEmpty()) {
                throw new IllegalArgumentException("no trusted keys: a signature can only be checked against at least one");
            }
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ed25519 e && java.util.Arrays.equals(signature, e.signature)
                    && trustedKeys.equals(e.trustedKeys);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(signature) * 31 + trustedKeys.hashCode();
        }

        @Override
        public String toString() {
            return "ed25519 signature by one of " + trustedKeys.size() + " trusted key(s)";
        }
    }

    /**
     * Parses a hex SHA-256.
     *
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    static Sha256 sha256(String hex) {
        String h = hex.strip();
        if (h.startsWith("sha256:")) {
            h = h.substring("sha256:".length());
        }
        if (h.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 is 64 hex digits, got " + h.length() + " characters: '" + hex + "'");
        }
        try {
            return new Sha256(HexFormat.of().parseHex(h));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex SHA-256: '" + hex + "'");
        }
    }
}
