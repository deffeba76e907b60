using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ReviewVerdicts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "review_policy",
                table: "jobs",
                type: "jsonb",
                nullable: false,
                defaultValue: "{\"AcceptConfidence\":0.9,\"FlagConfidence\":0.9,\"AcceptWhenUnsure\":false,\"AuditShare\":0.05,\"ModelMayReject\":false}");

            migrationBuilder.AddColumn<string>(
                name: "review_state",
                table: "assignments",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "verdicts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    model_label = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    confidence = table.Column<float>(type: "real", nullable: false),
                    evidence = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_verdicts", x => x.id);
                    table.ForeignKey(
                        name: "fk_verdicts_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_verdicts_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_verdicts_review_models_model_id",
                        column: x => x.model_id,
                        principalTable: "review_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_assignments_pending_review",
                table: "assignments",
                columns: new[] { "job_id", "submitted_at" },
                filter: "review_state = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_verdicts_assignment_id",
                table: "verdicts",
                column: "assignment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_verdicts_job_id_outcome",
                table: "verdicts",
                columns: new[] { "job_id", "outcome" });

            migrationBuilder.CreateIndex(
                name: "ix_verdicts_model_id",
                table: "verdicts",
                column: "model_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "verdicts");

            migrationBuilder.DropIndex(
                name: "ix_assignments_pending_review",
                table: "assignments");

            migrationBuilder.DropColumn(
                name: "review_policy",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "review_state",
                table: "assignments");
        }
    }
}
