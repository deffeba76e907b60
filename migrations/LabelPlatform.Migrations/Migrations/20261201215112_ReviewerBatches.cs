using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ReviewerBatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "rejection_reasons",
                table: "jobs",
                type: "text[]",
                nullable: false,
                defaultValueSql: "ARRAY['Wrong label', 'Box missing or misplaced', 'Did not follow the instructions']::text[]");

            migrationBuilder.AddColumn<Guid>(
                name: "review_batch_id",
                table: "assignments",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "review_batches",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reviewer_id = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_batches", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_batches_asp_net_users_reviewer_id",
                        column: x => x.reviewer_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_review_batches_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "review_disputes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    worker_id = table.Column<string>(type: "text", nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_disputes", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_disputes_asp_net_users_worker_id",
                        column: x => x.worker_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_review_disputes_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "review_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reviewer_id = table.Column<string>(type: "text", nullable: false),
                    decision = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_review_decisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_review_decisions_asp_net_users_reviewer_id",
                        column: x => x.reviewer_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_review_decisions_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_review_decisions_review_batches_batch_id",
                        column: x => x.batch_id,
                        principalTable: "review_batches",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_job_id_submitted_at",
                table: "assignments",
                columns: new[] { "job_id", "submitted_at" },
                filter: "review_state IN ('NeedsReview', 'Disputed') AND review_batch_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_assignments_review_batch_id",
                table: "assignments",
                column: "review_batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_review_batches_job_id",
                table: "review_batches",
                column: "job_id");

            migrationBuilder.CreateIndex(
                name: "ix_review_batches_lease_expires_at",
                table: "review_batches",
                column: "lease_expires_at",
                filter: "status = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_review_batches_one_open",
                table: "review_batches",
                column: "reviewer_id",
                unique: true,
                filter: "status = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_review_decisions_assignment_id_decided_at",
                table: "review_decisions",
                columns: new[] { "assignment_id", "decided_at" });

            migrationBuilder.CreateIndex(
                name: "ix_review_decisions_batch_id",
                table: "review_decisions",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_review_decisions_reviewer_id_decided_at",
                table: "review_decisions",
                columns: new[] { "reviewer_id", "decided_at" });

            migrationBuilder.CreateIndex(
                name: "ix_review_disputes_assignment_id",
                table: "review_disputes",
                column: "assignment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_review_disputes_worker_id",
                table: "review_disputes",
                column: "worker_id");

            migrationBuilder.AddForeignKey(
                name: "fk_assignments_review_batches_review_batch_id",
                table: "assignments",
                column: "review_batch_id",
                principalTable: "review_batches",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_assignments_review_batches_review_batch_id",
                table: "assignments");

            migrationBuilder.DropTable(
                name: "review_decisions");

            migrationBuilder.DropTable(
                name: "review_disputes");

            migrationBuilder.DropTable(
                name: "review_batches");

            migrationBuilder.DropIndex(
                name: "ix_assignments_job_id_submitted_at",
                table: "assignments");

            migrationBuilder.DropIndex(
                name: "ix_assignments_review_batch_id",
                table: "assignments");

            migrationBuilder.DropColumn(
                name: "rejection_reasons",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "review_batch_id",
                table: "assignments");
        }
    }
}
