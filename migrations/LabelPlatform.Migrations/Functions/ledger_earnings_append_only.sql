-- The links from answers to the transactions that paid them are part of the ledger: append-only (ADR 0019).
CREATE OR REPLACE TRIGGER ledger_earnings_append_only BEFORE UPDATE OR DELETE ON ledger_earnings
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
