/*
 * tui/detail.c - the selected host in tabs: sensors, power, events,
 * inventory, console, screen.  Each tab is a list of lines drawn from the host's
 * last readings; nothing here waits on the BMC.  The console tab is the
 * console pane's (its draw_host operation), the screen tab tui/screen.c's.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/host-json.h"
#include "core/units.h"
#include "tui/graph.h"
#include "tui/internal.h"

static const char *const tab_names[TAB__MAX] = { "Sensors",   "Power",   "Events",
						 "Inventory", "Console", "Screen" };

/* The tab bar: " 1 Sensors  2 Power ..." */
static int tab_x(int i)
{
	int x = 1, k;

	for (k = 0; k < i; k++)
		x += (int)strlen(tab_names[k]) + 5;
	return x;
}

int tui_tab_at(int x)
{
	int i;

	for (i = TAB__MAX - 1; i >= 0; i--)
		if (x >= tab_x(i))
			return i;
	return 0;
}

static void draw_tabs(struct tui *t, int y)
{
	int i;

	mvhline(y, 0, ' ', COLS);
	for (i = 0; i < TAB__MAX; i++) {
		if (i == (int)t->tab)
			attron(A_REVERSE | A_BOLD);
		mvprintw(y, tab_x(i), " %d %s ", i + 1, tab_names[i]);
		if (i == (int)t->tab)
			attroff(A_REVERSE | A_BOLD);
	}
}

static void fmt_threshold(const struct bmc_sensor *s, enum bmc_threshold th, char *buf,
			  size_t len)
{
	if (s->threshold_mask & (1u << th))
		units_format_value(buf, len, s->threshold[th], s->unit);
	else
		snprintf(buf, len, "-");
}

#define SPARK_W 10

/* The sensor's last hour after its status (the cursor is there). */
static void spark_cell(struct tui *t, const struct bmc_host *h, const struct bmc_sensor *s, int y,
		       int wide)
{
	char buf[GRAPH_SPARK_BYTES(SPARK_W)];
	int x = getcurx(stdscr);

	(void)wide;
	mvaddstr(y, x + 1, tui_sensor_spark(t, h, s, SPARK_W, buf, sizeof buf));
	move(y, x + 1 + SPARK_W);
}

static int draw_sensors(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	size_t i;
	int line = 0;
	int wide = COLS >= 110;

	tui_set_color(t, PAIR_TITLE, 1);
	if (wide)
		mvprintw(y, 1, "%-24s %-12s %12s %-5s %-9s %-*s %9s %9s %9s %9s  %s", "SENSOR",
			 "TYPE", "VALUE", "UNIT", "STATUS", SPARK_W, "LAST HOUR", "LCR", "LNC", "UNC",
			 "UCR", "STATE");
	else
		mvprintw(y, 1, "%-20s %-11s %10s %-5s %-9s %-*s %s", "SENSOR", "TYPE", "VALUE",
			 "UNIT", "STATUS", SPARK_W, "LAST HOUR", "STATE");
	tui_set_color(t, PAIR_TITLE, 0);
	if (h->nsensors == 0)
		mvprintw(y + 2, 2, "No sensor readings yet.");
	for (i = t->detail_scroll; i < h->nsensors && line < rows - 1; i++, line++) {
		const struct bmc_sensor *s = &h->sensors[i];
		char v[24], lcr[16], lnc[16], unc[16], ucr[16];
		int yy = y + 1 + line;

		if (s->has_value)
			units_format_value(v, sizeof v, s->value, s->unit);
		else
			snprintf(v, sizeof v, "-");
		if (wide) {
			fmt_threshold(s, TH_LCR, lcr, sizeof lcr);
			fmt_threshold(s, TH_LNC, lnc, sizeof lnc);
			fmt_threshold(s, TH_UNC, unc, sizeof unc);
			fmt_threshold(s, TH_UCR, ucr, sizeof ucr);
			mvprintw(yy, 1, "%-24.24s %-12.12s %12s %-5.5s ", s->name, s->type, v, s->unit);
		} else {
			mvprintw(yy, 1, "%-20.20s %-11.11s %10s %-5.5s ", s->name, s->type, v, s->unit);
		}
		tui_set_color(t, tui_health_pair(s->status), 1);
		printw("%-9s", bmc_health_name(s->status));
		tui_set_color(t, tui_health_pair(s->status), 0);
		/* Its last hour, and the cursor T graphs (the top row). */
		spark_cell(t, h, s, yy, wide);
		if (wide)
			printw(" %9s %9s %9s %9s  ", lcr, lnc, unc, ucr);
		else
			printw(" ");
		addnstr(s->state, COLS - getcurx(stdscr) > 0 ? COLS - getcurx(stdscr) : 0);
		if (i == t->detail_scroll)
			mvaddch(yy, 0, '>'); /* what T graphs */
	}
	return (int)h->nsensors;
}

static int draw_power(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	char wa[200];

	mvprintw(y, 2, "Power state:      ");
	tui_set_color(t, h->power == BMC_POWER_ON ? PAIR_OK : PAIR_DIM, 1);
	printw("%s", bmc_power_name(h->power));
	tui_set_color(t, h->power == BMC_POWER_ON ? PAIR_OK : PAIR_DIM, 0);
	mvprintw(y + 1, 2, "Last power event: ");
	if (h->power_changed_ms > 0) {
		time_t when = (time_t)(h->power_changed_ms / 1000);
		struct tm tm;
		char at[32];

		localtime_r(&when, &tm);
		strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S", &tm);
		printw("%s -> %s at %s", bmc_power_name(h->power_from), bmc_power_name(h->power_to),
		       at);
	} else {
		printw("no change seen since bmctop started");
	}
	mvprintw(y + 2, 2, "  the BMC says:   %s", h->last_power_event ? h->last_power_event : "-");
	mvprintw(y + 3, 2, "Next boot device: %s%s  (read from the BMC on each poll)",
		 bmc_boot_device_name(h->boot_device),
		 h->boot_device != BOOT_NONE && h->boot_persistent ? " (persistent)" : "");
	mvprintw(y + 4, 2, "IPMI workarounds: %s",
		 fleet_workarounds_format(h->workarounds, wa, sizeof wa));
	mvprintw(y + 6, 2, "Actions (on this host, or on the marked hosts):");
	mvprintw(y + 7, 4, "o power on    x power off    c power cycle    R hard reset");
	mvprintw(y + 8, 4, "S soft (ACPI) shutdown    i identify    b next boot device");
	mvprintw(y + 9, 4, "r poll now / retry a parked host");
	return 10;
}

static int draw_events(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	size_t i;
	int line = 0;

	tui_set_color(t, PAIR_TITLE, 1);
	mvprintw(y, 1, "%-6s %-20s %-22s %-9s %s", "ID", "TIME", "SENSOR", "SEVERITY", "EVENT");
	tui_set_color(t, PAIR_TITLE, 0);
	if (h->nevents == 0)
		mvprintw(y + 2, 2, "No events in the log.");
	for (i = t->detail_scroll; i < h->nevents && line < rows - 1; i++, line++) {
		const struct bmc_event *ev = &h->events[i];
		char when[32] = "-";

		if (ev->timestamp > 0)
			host_json_utc(when, sizeof when, ev->timestamp * 1000);
		mvprintw(y + 1 + line, 1, "%-6u %-20s %-22.22s ", ev->id, when, ev->sensor);
		tui_set_color(t, tui_health_pair(ev->severity), 1);
		printw("%-9s", bmc_health_name(ev->severity));
		tui_set_color(t, tui_health_pair(ev->severity), 0);
		printw(" ");
		addnstr(ev->message, COLS - getcurx(stdscr) > 0 ? COLS - getcurx(stdscr) : 0);
	}
	return (int)h->nevents;
}

static int draw_inventory(struct tui *t, const struct bmc_host *h, int y, int rows)
{
	size_t i;
	int line = 0;

	mvprintw(y, 2, "Vendor %s, model %s, serial %s, BMC firmware %s", h->vendor ? h->vendor : "-",
		 h->model ? h->model : "-", h->serial ? h->serial : "-",
		 h->firmware ? h->firmware : "-");
	if (h->ninventory == 0)
		mvprintw(y + 2, 2, "No inventory read yet.");
	for (i = t->detail_scroll; i < h->ninventory && line < rows - 2; i++, line++)
		mvprintw(y + 2 + line, 2, "%-28s %s", h->inventory[i].key, h->inventory[i].value);
	return (int)h->ninventory;
}

/* Each tab's lines from y, at most rows of them; returns how many it has,
 * for scrolling.  The console tab is the console pane's. */
typedef int (*tab_draw_fn)(struct tui *t, const struct bmc_host *h, int y, int rows);

static const tab_draw_fn tabs[TAB__MAX] = {
	[TAB_SENSORS] = draw_sensors,
	[TAB_POWER] = draw_power,
	[TAB_EVENTS] = draw_events,
	[TAB_INVENTORY] = draw_inventory,
	[TAB_CONSOLE] = NULL,
	[TAB_SCREEN] = tui_screen_tab_draw,
};

void tui_detail_draw(struct tui *t, int y0, int rows)
{
	struct bmc_host *h = tui_selected_host(t);
	char age[16];
	int n, err_lines = 1;

	if (h == NULL)
		return;
	tui_set_color(t, PAIR_TITLE, 1);
	mvhline(y0, 0, ' ', COLS);
	mvprintw(y0, 1, "%s  %s:%d  %s  power %s  health %s  updated %s ago", h->cfg->name,
		 h->cfg->address, h->cfg->ipmi_port,
		 h->protocol ? bmc_source_name(h->protocol) : fleet_protocol_name(h->cfg->protocol),
		 bmc_power_name(h->power), bmc_health_name(h->health),
		 tui_age(h->updated_ms, age, sizeof age));
	tui_set_color(t, PAIR_TITLE, 0);
	/* The error in full, wrapped on up to three lines. */
	if (h->error != NULL) {
		err_lines = tui_wrap_lines(h->error, COLS - 2, 2);
		if (err_lines > 3)
			err_lines = 3;
		tui_set_color(t, h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN, 1);
		tui_draw_wrapped(y0 + 1, 1, COLS - 2, 0, err_lines, h->error, 2);
		tui_set_color(t, h->state == HOST_PARKED ? PAIR_CRIT : PAIR_WARN, 0);
	}
	t->tab_row = y0 + 1 + err_lines;
	draw_tabs(t, t->tab_row);
	mvhline(t->tab_row + 1, 0, ACS_HLINE, COLS);
	rows -= 3 + err_lines;
	if (tabs[t->tab] != NULL)
		n = tabs[t->tab](t, h, t->tab_row + 2, rows);
	else
		n = tui_panes_draw_host(t, h, t->tab_row + 2, rows);
	if (t->detail_scroll > 0 && (int)t->detail_scroll >= n)
		t->detail_scroll = n > 0 ? (size_t)n - 1 : 0;
}
