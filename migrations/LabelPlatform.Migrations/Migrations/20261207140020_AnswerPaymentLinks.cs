using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AnswerPaymentLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_earnings",
                columns: table => new
                {
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    transaction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    worker_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    fee = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_earnings", x => x.assignment_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_earnings_transaction_id",
                table: "ledger_earnings",
                column: "transaction_id");

            // Answers paid before, one Earning transaction each, keep their "paid once" through the link.
            migrationBuilder.Sql("""
                INSERT INTO ledger_earnings (assignment_id, transaction_id, worker_id, amount, fee)
                SELECT t.assignment_id, t.id, t.worker_id,
                       coalesce((SELECT e.amount FROM ledger_entries e WHERE e.transaction_id = t.id
                                 AND e.account_id = md5('WorkerPayable:' || t.worker_id || ':' || t.currency)::uuid), 0),
                       coalesce((SELECT e.amount FROM ledger_entries e WHERE e.transaction_id = t.id
                                 AND e.account_id = md5('PlatformRevenue::' || t.currency)::uuid), 0)
                FROM ledger_transactions t
                WHERE t.kind = 'Earning' AND t.assignment_id IS NOT NULL AND t.worker_id IS NOT NULL
                """);
            migrationBuilder.ApplyFunction("ledger_earnings_append_only");

            // One ledger transaction per job and accepting batch, linked to each answer it pays (ADR 0019).
            migrationBuilder.ApplyFunction("ledger_pay_answers");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The function's earlier body (one transaction per answer) is not restored: roll forward instead.
            migrationBuilder.DropTable(
                name: "ledger_earnings");
        }
    }
}
