using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class LeanerGoldAndLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_items_gold",
                table: "items");

            migrationBuilder.CreateIndex(
                name: "ix_items_gold",
                table: "items",
                columns: new[] { "job_id", "ordinal" },
                filter: "gold_answer IS NOT NULL");

            // The answers read once and the payables inserted only when missing; balances updated by a
            // grouped join instead of a sum per account over the statement's entries (ADR 0019).
            migrationBuilder.ApplyFunction("ledger_pay_answers");
            migrationBuilder.ApplyFunction("ledger_entries_check");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The functions' earlier bodies are not restored (they did the same, more slowly): roll forward instead.
            migrationBuilder.DropIndex(
                name: "ix_items_gold",
                table: "items");

            migrationBuilder.CreateIndex(
                name: "ix_items_gold",
                table: "items",
                column: "job_id",
                filter: "gold_answer IS NOT NULL");
        }
    }
}
