-- Claim documents are the bulk of the data: their encrypted contents move from the base64 text
-- envelope `v1.<kid>.<iv>.<ct+tag>` to encryptBytesBinary's binary one,
-- 0x01 ‖ length(kid) ‖ kid ‖ iv ‖ ct+tag (a quarter smaller). Same key, IV and ciphertext:
-- nothing is decrypted here. Base64url is turned into base64 and padded for decode().
ALTER TABLE "claim_documents" ALTER COLUMN "content_enc" SET DATA TYPE bytea USING (
  '\x01'::bytea
  || set_byte('\x00'::bytea, 0, octet_length(split_part("content_enc", '.', 2)))
  || convert_to(split_part("content_enc", '.', 2), 'UTF8')
  || decode(rpad(translate(split_part("content_enc", '.', 3), '-_', '+/'), (length(split_part("content_enc", '.', 3)) + 3) / 4 * 4, '='), 'base64')
  || decode(rpad(translate(split_part("content_enc", '.', 4), '-_', '+/'), (length(split_part("content_enc", '.', 4)) + 3) / 4 * 4, '='), 'base64')
);--> statement-breakpoint
-- The contents are encrypted, hence incompressible: stored out of line without trying to compress them.
ALTER TABLE "claim_documents" ALTER COLUMN "content_enc" SET STORAGE EXTERNAL;
