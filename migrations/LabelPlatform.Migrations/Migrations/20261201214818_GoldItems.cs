using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class GoldItems : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "quality_policy",
                table: "jobs",
                type: "jsonb",
                nullable: false,
                defaultValue: "{\"GoldRate\":0.1,\"NewWorkerGoldRate\":0.3,\"MinAccuracy\":0,\"MinGoldAnswers\":5,\"Feedback\":false,\"QualificationItems\":0,\"QualificationPass\":0.8}");

            migrationBuilder.AddColumn<string>(
                name: "gold_answer",
                table: "items",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "gold_explanation",
                table: "items",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "gold_correct",
                table: "assignments",
                type: "boolean",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "worker_job_quality",
                columns: table => new
                {
                    worker_id = table.Column<string>(type: "text", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    gold_answers = table.Column<int>(type: "integer", nullable: false),
                    gold_correct = table.Column<int>(type: "integer", nullable: false),
                    blocked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    block_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_worker_job_quality", x => new { x.worker_id, x.job_id });
                    table.ForeignKey(
                        name: "fk_worker_job_quality_asp_net_users_worker_id",
                        column: x => x.worker_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_worker_job_quality_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_items_gold",
                table: "items",
                column: "job_id",
                filter: "gold_answer IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_worker_job_quality_job_id",
                table: "worker_job_quality",
                column: "job_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "worker_job_quality");

            migrationBuilder.DropIndex(
                name: "ix_items_gold",
                table: "items");

            migrationBuilder.DropColumn(
                name: "quality_policy",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "gold_answer",
                table: "items");

            migrationBuilder.DropColumn(
                name: "gold_explanation",
                table: "items");

            migrationBuilder.DropColumn(
                name: "gold_correct",
                table: "assignments");
        }
    }
}
