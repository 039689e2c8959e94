import assert from "node:assert/strict";
import { ReadLedger } from "./ledger.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("a ledger holds exactly the bytes last recorded, kept or hashed", () => {
  const ledger = new ReadLedger();
  assert.equal(ledger.holds("/p/a.txt", bytes("one\n")), false, "nothing recorded yet");
  ledger.record("/p/a.txt", bytes("one\n"));
  assert.equal(ledger.peek("/p/a.txt")?.hash, "", "not hashed while the bytes are kept");
  assert.equal(ledger.holds("/p/a.txt", bytes("one\n")), true);
  assert.equal(ledger.holds("/p/a.txt", bytes("two\n")), false, "same size, other bytes");
  assert.equal(ledger.holds("/p/a.txt", bytes("one\n\n")), false, "other size");

  ledger.get("/p/a.txt"); // hashes it and lets the bytes go
  assert.notEqual(ledger.peek("/p/a.txt")?.hash, "");
  assert.equal(ledger.holds("/p/a.txt", bytes("one\n")), true);
  assert.equal(ledger.holds("/p/a.txt", bytes("two\n")), false);

  ledger.record("/p/a.txt", bytes("two\n"), "write");
  assert.equal(ledger.holds("/p/a.txt", bytes("one\n")), false, "a later record replaces it");
  assert.equal(ledger.holds("/p/a.txt", bytes("two\n")), true);
  ledger.forget("/p/a.txt");
  assert.equal(ledger.holds("/p/a.txt", bytes("two\n")), false);
});
