using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class TaskKindsDraftsAndReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "max_boxes",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 500);

            migrationBuilder.AddColumn<int>(
                name: "min_box_size",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 4);

            migrationBuilder.AddColumn<bool>(
                name: "show_suggestions",
                table: "jobs",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "pre_annotation",
                table: "items",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "text",
                table: "items",
                type: "character varying(10000)",
                maxLength: 10000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "answer",
                table: "assignments",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "skip_reason",
                table: "assignments",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            // Answers given before answers were JSON: a one-label answer each.
            migrationBuilder.Sql("""
                UPDATE assignments SET answer = jsonb_build_object('labels', jsonb_build_array(label), 'boxes', '[]'::jsonb)
                WHERE label IS NOT NULL AND answer IS NULL
                """);

            migrationBuilder.CreateTable(
                name: "drafts",
                columns: table => new
                {
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    worker_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    answer = table.Column<string>(type: "jsonb", nullable: false),
                    saved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_drafts", x => x.assignment_id);
                    table.ForeignKey(
                        name: "fk_drafts_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalTable: "assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "item_reports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_id = table.Column<Guid>(type: "uuid", nullable: false),
                    worker_id = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_reports", x => x.id);
                    table.ForeignKey(
                        name: "fk_item_reports_asp_net_users_worker_id",
                        column: x => x.worker_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_item_reports_items_item_id",
                        column: x => x.item_id,
                        principalTable: "items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_item_reports_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_item_reports_item_id_worker_id",
                table: "item_reports",
                columns: new[] { "item_id", "worker_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_item_reports_job_id",
                table: "item_reports",
                column: "job_id");

            migrationBuilder.CreateIndex(
                name: "ix_item_reports_worker_id",
                table: "item_reports",
                column: "worker_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "drafts");

            migrationBuilder.DropTable(
                name: "item_reports");

            migrationBuilder.DropColumn(
                name: "max_boxes",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "min_box_size",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "show_suggestions",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "pre_annotation",
                table: "items");

            migrationBuilder.DropColumn(
                name: "text",
                table: "items");

            migrationBuilder.DropColumn(
                name: "answer",
                table: "assignments");

            migrationBuilder.DropColumn(
                name: "skip_reason",
                table: "assignments");
        }
    }
}
