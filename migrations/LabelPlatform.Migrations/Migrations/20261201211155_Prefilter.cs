using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Prefilter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "machine_audit",
                table: "items",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<float>(
                name: "machine_confidence",
                table: "items",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "machine_label",
                table: "items",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "prefilter_run_id",
                table: "items",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "prefilter_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_id = table.Column<Guid>(type: "uuid", nullable: false),
                    model_version = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    threshold = table.Column<float>(type: "real", nullable: false),
                    audit_share = table.Column<float>(type: "real", nullable: false),
                    machine_labels = table.Column<bool>(type: "boolean", nullable: false),
                    total = table.Column<int>(type: "integer", nullable: false),
                    done = table.Column<int>(type: "integer", nullable: false),
                    machine_labelled = table.Column<int>(type: "integer", nullable: false),
                    audit = table.Column<int>(type: "integer", nullable: false),
                    unreadable = table.Column<int>(type: "integer", nullable: false),
                    message = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    requested_by_user_id = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_prefilter_runs", x => x.id);
                    table.ForeignKey(
                        name: "fk_prefilter_runs_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_prefilter_runs_review_models_model_id",
                        column: x => x.model_id,
                        principalTable: "review_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_prefilter_runs_job_id_created_at",
                table: "prefilter_runs",
                columns: new[] { "job_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_prefilter_runs_model_id",
                table: "prefilter_runs",
                column: "model_id");

            migrationBuilder.CreateIndex(
                name: "ix_prefilter_runs_one_running",
                table: "prefilter_runs",
                column: "job_id",
                unique: true,
                filter: "status = 'Running'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "prefilter_runs");

            migrationBuilder.DropColumn(
                name: "machine_audit",
                table: "items");

            migrationBuilder.DropColumn(
                name: "machine_confidence",
                table: "items");

            migrationBuilder.DropColumn(
                name: "machine_label",
                table: "items");

            migrationBuilder.DropColumn(
                name: "prefilter_run_id",
                table: "items");
        }
    }
}
