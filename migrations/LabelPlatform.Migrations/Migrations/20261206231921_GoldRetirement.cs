using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LabelPlatform.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class GoldRetirement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "answers",
                table: "worker_job_quality",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "gold_shown",
                table: "items",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Gold already handed out counts toward retirement; answers already given count as answers.
            migrationBuilder.Sql("UPDATE items SET gold_shown = (SELECT count(*) FROM assignments a WHERE a.item_id = items.id) WHERE gold_answer IS NOT NULL");
            migrationBuilder.Sql("""
                UPDATE worker_job_quality q SET answers = (SELECT count(*) FROM assignments a WHERE a.worker_id = q.worker_id AND a.job_id = q.job_id AND a.submitted_at IS NOT NULL)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "answers",
                table: "worker_job_quality");

            migrationBuilder.DropColumn(
                name: "gold_shown",
                table: "items");
        }
    }
}
