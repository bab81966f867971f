"""The report's sentences and headings, (English, Chinese) per key; used through ``i18n.Tr``."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ frame
    "report.client": ("Prepared for {client}", "委托方：{client}"),
    "report.period": ("Period covered: {start} to {end}", "数据期间：{start}至{end}"),
    "report.sources": ("Data sources", "数据来源"),
    "report.date": ("Report date: {date} (the last day of the data)",
                    "报告日期：{date}（数据截止日）"),
    "report.summary": ("Executive summary", "执行摘要"),
    "report.findings": ("The five most important findings", "五项主要发现"),
    "report.actions": ("Recommended actions", "建议行动"),
    "report.expected": ("expected value {value}", "预期价值{value}"),
    "report.expected_range": ("expected value {value}; range {low} to {high}",
                              "预期价值{value}，区间{low}至{high}"),
    "report.breakeven": ("Only worth it through a channel costing under {limit} per contact: at "
                         "{cost} per contact it would lose {loss}.",
                         "仅当每次触达成本低于{limit}时才划算：按每次{cost}计算将亏损{loss}。"),
    "report.default_title": ("Customer data report", "客户数据分析报告"),
    "report.ev_basis": ("Expected values are net of contact costs and use the assumptions listed "
                        "at the end of the report.",
                        "预期价值已扣除触达成本，所用假设列于报告末尾。"),
    "report.contents": ("Contents", "目录"),
    "report.question": ("The question", "问题"),
    "report.answer": ("The answer", "结论"),
    "report.todo": ("What to do", "行动建议"),
    "report.glossary": ("Glossary", "术语表"),
    "report.assumptions": ("Assumptions used", "本报告采用的假设"),
    "report.assumptions_intro": (
        "Every figure that depends on an assumption uses the values below; change them in "
        "the configuration file and re-run the report to see their effect.",
        "凡依赖假设的数字均采用下列取值；如需调整，请修改配置文件后重新生成报告。"),
    "report.skipped": ("This part could not be computed for this data: {reason}",
                       "本部分无法基于现有数据计算：{reason}"),
    "report.workbook_note": ("The complete list ({rows}) is in the Excel workbook, sheet "
                             "“{sheet}”.",
                             "完整名单（共{rows}）见Excel工作簿中的“{sheet}”工作表。"),
    "report.first_rows": ("The first {n} of {rows}:", "以下为{rows}中的前{n}行："),
    "report.term": ("term", "术语"),
    "report.meaning": ("meaning", "含义"),
    "report.assumption": ("assumption", "假设"),
    "report.value": ("value", "取值"),
    "report.table": ("table", "数据表"),
    "report.rows": ("rows", "行数"),
    "report.few_findings": ("Only {n} findings could be computed from this data.",
                            "基于现有数据只得出{n}项发现。"),
    "table.transactions": ("transactions", "交易记录"),
    "table.touchpoints": ("marketing touchpoints", "营销触点"),
    "table.customers": ("customer profiles", "客户资料"),
    "table.stage_events": ("lifecycle events", "生命周期事件"),
    "table.sessions": ("website visits", "网站访问记录"),
    "table.leads": ("sales leads", "销售线索"),
    "table.lead_events": ("events that brought leads (fairs, canvassing) and their fees",
                          "线索来源活动（建材联盟活动、扫楼等）及费用"),
    "table.lead_orders": ("orders of the leads", "线索客户订单"),
    "table.social_posts": ("social-media posts", "社交媒体投放帖子"),
    # workbook sheet names (Excel: at most 31 characters, no []:*?/\)
    "sheet.clv": ("Customer value", "客户终身价值"),
    "sheet.segments": ("Segments", "客户分层"),
    "sheet.winback": ("Win-back list", "挽回名单"),
    "sheet.actions": ("Action list", "行动清单"),
    "sheet.channels": ("Channels", "渠道表"),
    # ------------------------------------------------------------------ common columns
    "col.customer": ("customer", "客户编号"),
    "col.customers": ("customers", "客户数"),
    "col.share_customers": ("share of customers", "客户占比"),
    "col.share_spend": ("share of spend", "消费额占比"),
    "col.share_value": ("share of future value", "未来价值占比"),
    "col.mean_value": ("mean future value", "人均未来价值"),
    "col.p_alive": ("chance still active", "活跃概率"),
    "col.expected_orders": ("expected orders", "预计订单数"),
    "col.clv": ("customer lifetime value", "客户终身价值"),
    "col.orders_so_far": ("orders so far", "历史订单数"),
    "col.last_order": ("last order", "最近一次购买"),
    "col.segment": ("segment", "客户群"),
    "col.tier": ("value tier", "价值层级"),
    "col.member_tier": ("member tier", "会员等级"),
    "col.roas_low": ("lowest across credit rules", "各归因模型最低值"),
    "col.roas_high": ("highest across credit rules", "各归因模型最高值"),
    "col.days_since": ("mean days since last order", "平均距上次购买天数"),
    "col.what_to_do": ("what to do", "建议做法"),
    "col.mean_spend": ("mean spend", "人均消费"),
    "col.action": ("action", "行动"),
    "col.due": ("due", "执行日期"),
    "col.channel": ("channel", "渠道"),
    "col.offer": ("offer", "内容类型"),
    "col.why": ("why", "原因"),
    "col.method": ("rule", "规则"),
    "col.mae": ("mean miss (days)", "平均误差（天）"),
    "col.predictions": ("predictions checked", "检验次数"),
    "col.step": ("step", "环节"),
    "col.share_prev": ("share of previous step", "上一环节转化率"),
    "col.share_first": ("share of first step", "累计转化率"),
    "col.median_days": ("median days from first step", "距第一环节中位天数"),
    "col.model": ("credit rule", "归因模型"),
    "col.spend": ("spend", "投入费用"),
    "col.conversions": ("first purchases credited", "归因首购数"),
    "col.roas": ("revenue per ¥1 (data-driven)", "每1元带来的收入（数据驱动）"),
    "col.roas_range": ("range across credit rules", "各归因模型区间"),
    "col.budget_ok": ("enough data for budget advice", "数据是否足以给出预算建议"),
    "col.metric": ("measure", "指标"),
    "col.value": ("value", "数值"),
    "col.score": ("score", "评分方法"),
    "col.capture": ("leavers found in top 20%", "评分前20%覆盖的流失客户"),
    "col.auc": ("ranking accuracy (0.5 = chance, 1 = perfect)", "排序准确度（0.5=随机，1=完美）"),
    "col.threshold": ("points needed", "所需积分"),
    "col.benefit": ("benefit", "权益"),
    "col.reached": ("members reaching it", "达到人数"),
    "col.reached_share": ("share of members", "占会员比例"),
    "col.vouchers": ("vouchers issued", "发放代金券"),
    "col.retention_many": ("bought again, {k}+ channels", "使用{k}个及以上渠道的复购率"),
    "col.retention_few": ("bought again, fewer channels", "渠道较少客户的复购率"),
    "col.gap": ("gap (percentage points, 95% interval)", "差距（百分点，95%区间）"),
    "col.comparison": ("comparison", "比较口径"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    # ------------------------------------------------------------------ axes
    "axis.month": ("month", "月份"),
    "axis.revenue": ("revenue (¥)", "销售额（¥）"),
    "axis.order_value": ("order value (¥)", "订单金额（¥）"),
    "axis.orders": ("orders", "订单数"),
    "axis.customers": ("customers", "客户数"),
    "axis.clv": ("customer lifetime value (¥)", "客户终身价值（¥）"),
    "axis.share_customers": ("share of customers (best first)", "客户累计占比（价值从高到低）"),
    "axis.share_value": ("share of value", "价值累计占比"),
    "axis.share_contacted": ("share of customers contacted (highest score first)",
                             "触达客户比例（按评分从高到低）"),
    "axis.share_found": ("share of leavers found", "覆盖的流失客户比例"),
    "axis.share_conversions": ("share of first purchases credited", "首购归因占比"),
    "axis.days_error": ("actual minus predicted next purchase (days)", "实际减预测下次购买（天）"),
    "axis.points_members": ("members", "会员数"),
    "axis.cost": ("programme cost (¥)", "方案成本（¥）"),
    "chart.monthly": ("Revenue by month", "月度销售额"),
    "chart.baskets": ("How much an order is worth", "订单金额分布"),
    "chart.by_channel": ("Where customers first bought", "客户首购渠道"),
    "chart.clv_dist": ("Future value per customer", "客户未来价值分布"),
    "chart.concentration": ("How concentrated is future value?", "未来价值集中度"),
    "chart.gains": ("How many leavers each score finds", "各评分方法找出的流失客户"),
    "chart.pareto": ("How concentrated is spend?", "消费集中度"),
    "chart.rfm": ("Customer groups: customers and spend", "各客户群的人数与消费占比"),
    "chart.actions": ("Reminders due, by type", "待执行提醒（按类型）"),
    "chart.errors": ("How far off each rule was", "各规则的预测误差"),
    "chart.funnel": ("Repeat purchase funnel", "复购漏斗"),
    "chart.journey": ("Journey funnel", "营销旅程漏斗"),
    "chart.attribution": ("Credit for first purchases by channel", "各渠道的首购归因"),
    "chart.tiers": ("Members per tier", "各等级会员数"),
    "chart.cost": ("Monthly programme cost", "每月方案成本"),
    "axis.cost_month": ("cost per month (¥)", "每月成本（¥）"),
    # ------------------------------------------------------------------ overview
    "overview.heading": ("Customers and sales at a glance", "客户与销售概况"),
    "overview.question": ("Who bought, how much and when?", "谁在购买、买了多少、什么时候买？"),
    "overview.answer": ("{customers} placed {orders} worth {revenue} between {start} and {end}.",
                        "{start}至{end}期间，{customers}共下单{orders}，销售额{revenue}。"),
    "overview.finding_once": ("{share} of customers ordered only once; a customer ordered "
                              "{opc} times on average.",
                              "{share}的客户只购买过一次；平均每位客户下单{opc}次。"),
    "overview.todo": ("Check that the period and row counts above match your own records "
                      "before acting on the figures below.",
                      "在依据后续数字采取行动之前，请先核对上述数据期间与行数是否与贵司记录一致。"),
    "overview.m.customers": ("customers", "客户数"),
    "overview.m.orders": ("orders", "订单数"),
    "overview.m.revenue": ("revenue", "销售额"),
    "overview.m.mean_basket": ("mean order value", "平均客单价"),
    "overview.m.opc": ("orders per customer", "人均订单数"),
    "overview.m.once": ("customers who ordered once", "只购买一次的客户占比"),
    "overview.m.gap": ("median days between orders", "复购间隔中位数（天）"),
    "overview.m.touches": ("marketing touches", "营销触达次数"),
    "overview.m.touched": ("people reached", "触达人数"),
    "overview.m.touched_bought": ("people reached who bought", "触达后购买的比例"),
    # ------------------------------------------------------------------ clv
    "clv.heading": ("What your customers will be worth", "客户终身价值：未来能带来多少收入"),
    "clv.question": ("How much will today's customers spend over the next {period}, and who "
                     "holds that value?",
                     "现有客户在未来{period}预计还会贡献多少销售额？价值集中在哪些客户身上？"),
    "clv.answer": ("Today's {customers} are expected to place about {orders} worth {value} "
                   "over the next {period}; the top 20% of customers hold {top} of it.",
                   "预计未来{period}内，现有{customers}将再下单约{orders}，贡献{value}"
                   "（已折现）；其中价值最高的20%客户贡献{top}。"),
    "clv.finding_top": ("The top 20% of customers hold {top} of the future value; the bottom "
                        "50% hold {bottom} and are on average only {alive} likely to still be "
                        "active.",
                        "价值最高的20%客户贡献了{top}的未来价值；价值最低的50%客户仅贡献{bottom}，"
                        "其平均活跃概率只有{alive}。"),
    "clv.finding_risk": ("{n} who bought at least three times now look inactive (less than a "
                         "50% chance of still being active).",
                         "{n}曾购买三次及以上，但目前活跃概率已低于50%，处于流失边缘。"),
    "clv.action": ("Contact the {n} who now look inactive with a win-back offer (list in the "
                   "workbook).", "对{n}（已沉默）发起挽回触达（名单见工作簿）。"),
    "clv.finding_total": ("Today's customers are expected to bring {value} over the next "
                          "{period} (discounted).",
                          "现有客户预计在未来{period}内贡献{value}（已折现）。"),
    "clv.todo": ("Look after the top 20% with service rather than discounts, win back the "
                 "repeat buyers who have gone quiet, and spend little on the bottom 50%.",
                 "对价值最高的20%客户以服务维系而非打折；对沉默的老客户发起挽回；"
                 "对价值最低的50%客户控制投入。"),
    "clv.corr_note": ("Order value and order frequency are correlated ({corr}) in this data, so "
                      "the spend estimates are less certain.",
                      "本数据中客单价与购买频次存在相关（{corr}），消费金额的估计因此不确定性较大。"),
    "clv.period_months": ("{n} months", "{n}个月"),
    # ------------------------------------------------------------------ churn
    "churn.heading": ("Which customers are slipping away", "流失预警：哪些客户正在流失"),
    "churn.question": ("Can we tell in advance who will stop buying, and does contacting them "
                       "pay?", "能否提前识别即将流失的客户？挽回他们是否划算？"),
    "churn.answer": ("Tested on the last {h}: {rate} of {n} active at the cut-off stopped buying, "
                     "and the best score finds {capture} of them among the 20% it ranks "
                     "highest.",
                     "用最近{h}的数据回测：{n}中有{rate}没有再购买；最佳评分方法排名前20%的客户"
                     "覆盖了{capture}的流失客户。"),
    "churn.too_short": ("it needs at least {need} of purchases (one period to learn, one to "
                        "test); the data cover {have}.",
                        "至少需要{need}的购买记录（一段用于学习、一段用于检验），现有数据仅覆盖{have}。"),
    "churn.finding": ("{rate} of customers active at {cut} did not buy in the following {h}; "
                      "the best score finds {capture} of them in its top 20%.",
                      "截至{cut}仍活跃的客户中，有{rate}在随后{h}内没有购买；最佳评分方法"
                      "前20%覆盖了其中{capture}。"),
    "churn.action": ("Send a win-back offer to customers whose churn probability is at least "
                     "{thr} ({n}, {share} of active customers) and keep a random hold-out "
                     "group to measure the real success rate.",
                     "对流失概率不低于{thr}的客户（{n}，占活跃客户{share}）发送挽回优惠，"
                     "并保留随机对照组以衡量真实挽回率。"),
    "churn.no_pay": ("At {cost} per contact, {rate} success and {value} per saved customer, no "
                     "win-back threshold paid on the test period: do not run a broad win-back "
                     "campaign on these assumptions.",
                     "按每次触达{cost}、挽回成功率{rate}、每位挽回客户价值{value}计算，"
                     "回测期内任何阈值的挽回活动都不划算，不建议按此假设大规模挽回。"),
    "churn.todo": ("Score customers every month, contact those above the threshold, and keep "
                   "a random 10% uncontacted to measure what the contact really adds.",
                   "每月更新流失评分，触达超过阈值的客户，并随机保留10%不触达，以衡量挽回的真实效果。"),
    "churn.channels_finding": ("Customers who used {k} or more sales channels bought again "
                               "{many} of the time against {few} for the others; among "
                               "customers of the same purchase frequency the gap is {adj} "
                               "points.",
                               "使用{k}个及以上销售渠道的客户复购率为{many}，其他客户为{few}；"
                               "在购买频次相同的客户之间，差距为{adj}个百分点。"),
    "churn.raw": ("all customers", "全部客户"),
    "churn.adjusted": ("same purchase frequency", "购买频次相同的客户"),
    # ------------------------------------------------------------------ segments
    "segments.heading": ("Customer groups by value and activity", "客户分层：价值与活跃度"),
    "segments.question": ("Which groups of customers bring the spend, and which are going "
                          "quiet?", "哪些客户群贡献了主要消费？哪些客户正在沉默？"),
    "segments.answer": ("The top {top_share} of customers bring {share} of spend; {n} who used "
                        "to buy well have gone quiet and hold {risk_spend} of spend.",
                        "前{top_share}的客户贡献了{share}的消费额；{n}曾是优质客户但近期已沉默，"
                        "他们的消费额占比为{risk_spend}。"),
    "segments.finding_pareto": ("The top {top_share} of customers bring {share} of spend (the "
                                "2-8 rule expects about 80%).",
                                "前{top_share}的客户贡献了{share}的消费额（二八法则预期约为80%）。"),
    "segments.finding_risk": ("{n} who used to buy well have gone quiet; they hold {spend} of "
                              "spend.", "{n}曾是优质客户但近期已沉默，消费额占比{spend}。"),
    "segments.action": ("Call or message the {n} (“at risk” and “can't lose”) with a personal "
                        "offer.", "对{n}（“流失风险”和“不能流失”两类）进行一对一挽回。"),
    "segments.todo": ("Give each group the treatment in the table: reward champions, win back "
                      "the quiet high spenders first, and keep contact with sleeping customers "
                      "cheap.", "按表中建议分层运营：奖励核心客户，优先挽回沉默的高价值客户，"
                      "以低成本方式维系沉睡客户。"),
    "segments.classes_caption": ("Four customer classes (potential = one order or none, "
                                 "ordinary = repeat, loyal = {k}+ orders and bought in the "
                                 "last {days}, advocate = referred someone).",
                                 "四类客户（潜在客户=未购买或仅购买一次，普通客户=有复购，"
                                 "忠诚客户=购买{k}次及以上且最近{days}内有购买，推荐者=推荐过他人）。"),
    "rfm.todo.champions": ("reward, ask for referrals, early access", "给予奖励、邀请推荐、优先体验新品"),
    "rfm.todo.loyal": ("upsell, membership benefits", "交叉销售、会员权益"),
    "rfm.todo.potential loyalist": ("membership offer, second-category cross-sell",
                                     "引导入会、推荐第二品类"),
    "rfm.todo.new": ("onboarding, help with the second order", "新客引导，促成第二单"),
    "rfm.todo.promising": ("build the habit, light offers", "培养购买习惯，适度优惠"),
    "rfm.todo.need attention": ("limited-time offer, recommendations", "限时优惠、个性化推荐"),
    "rfm.todo.about to sleep": ("reactivation message, popular products", "唤醒提醒、推荐热销品"),
    "rfm.todo.at risk": ("personal win-back, ask what changed", "一对一挽回，了解流失原因"),
    "rfm.todo.can't lose": ("win back at almost any cost, personal call", "不惜成本挽回，专人致电"),
    "rfm.todo.hibernating": ("cheap reactivation only", "仅做低成本唤醒"),
    "rfm.todo.lost": ("no spend, or one last cheap attempt", "不再投入，或做最后一次低成本尝试"),
    # ------------------------------------------------------------------ retention
    "retention.heading": ("Replenishment reminders: does the consumption clock fit?",
                          "补货提醒：消耗周期规则是否适用"),
    "retention.question": ("Does the case's consumption clock ({days} per unit) predict when "
                           "customers buy again better than a simple rule based on each "
                           "customer's usual gap?",
                           "案例中的消耗周期规则（每件约{days}）能否比“按客户惯常间隔”的简单规则"
                           "更准确地预测下次购买？"),
    "retention.answer_yes": ("Yes: on your history the consumption clock misses the next "
                             "purchase by {clock} on average against {naive} for the simple "
                             "rule, so its {n} due {when} are recommended.",
                             "是。在贵司历史数据上，消耗周期规则预测下次购买的平均误差为{clock}，"
                             "简单规则为{naive}，因此建议执行{when}到期的{n}。"),
    "retention.answer_no": ("No: on your history the simple rule (each customer's median gap "
                            "between orders) misses the next purchase by {naive} against "
                            "{clock} for the consumption clock, so the clock's reminders are "
                            "not recommended; time reminders on each customer's usual gap "
                            "instead.",
                            "否。在贵司历史数据上，简单规则（按每位客户购买间隔的中位数）预测下次"
                            "购买的平均误差为{naive}，优于消耗周期规则的{clock}，因此不建议执行"
                            "消耗周期提醒，应改按客户惯常的购买间隔安排提醒。"),
    "retention.answer_unchecked": ("Not checked: the data cover {have}, fewer than the "
                                   "{need} needed to replay the clock against the actual "
                                   "next purchases, so its reminders are not recommended yet.",
                                   "无法检验：数据仅覆盖{have}，不足以用{need}的历史回放检验消耗周期"
                                   "规则，因此暂不建议执行其提醒。"),
    "retention.finding_yes": ("The consumption clock predicts the next purchase better than the "
                              "simple rule ({clock} against {naive} mean miss).",
                              "消耗周期规则预测下次购买优于简单规则（平均误差{clock}对{naive}）。"),
    "retention.finding_no": ("The case's consumption clock does not fit this data: a simple "
                             "median-gap rule predicts the next purchase better ({naive} against "
                             "{clock} mean miss).",
                             "案例中的消耗周期规则不适用于本数据：简单的中位间隔规则预测下次购买"
                             "更准确（平均误差{naive}对{clock}）。"),
    "retention.action": ("Send the {n} due {when} (list in the "
                         "workbook), holding back a random 10% to measure the effect.",
                         "执行{when}到期的{n}（清单见工作簿），随机保留10%作为对照组。"),
    "retention.todo_yes": ("Run the reminders daily from the action list and compare buyers "
                           "with the hold-out group after four weeks.",
                           "每天按行动清单执行提醒，四周后与对照组比较复购率。"),
    "retention.todo_no": ("Do not switch on the clock's reminders; schedule reminders from each "
                          "customer's own median gap and re-check the clock when more data "
                          "arrive.", "暂不启用消耗周期提醒；按每位客户自身的购买间隔中位数安排提醒，"
                          "待数据积累后再检验。"),
    "retention.when_today": ("on {day}", "于{day}"),
    "retention.when_days": ("in the {n} from {day}", "自{day}起{n}内"),
    "retention.clock": ("consumption clock (case rule)", "消耗周期规则（案例）"),
    "retention.clock_fixed": ("consumption clock, fixed rate", "消耗周期规则（固定速度）"),
    "retention.naive": ("each customer's median gap", "客户购买间隔中位数"),
    "retention.price_ok": ("Send service content rather than discounts to the {hi} whose "
                           "median order is above {service}, and price offers to the {lo} "
                           "whose median order is below {price}.",
                           "{hi}的订单中位数高于{service}（宜推送服务内容而非折扣），{lo}"
                           "低于{price}（宜推送价格优惠）。"),
    "retention.price_skip": ("The case's {price}/{service} price lines are not applied: by "
                             "median order value, {hi} above {service} and {lo} below "
                             "{price}, where at least {need} on each side are needed.",
                             "未采用案例中的{price}/{service}价格线：订单中位数高于{service}的仅有"
                             "{hi}，低于{price}的有{lo}，每侧至少需要{need}。"),
    "retention.reason": ("last purchase on {day}: {units}", "最近一次购买：{day}，{units}"),
    # ------------------------------------------------------------------ funnel
    "funnel.heading": ("From first order to repeat customer", "从首单到复购"),
    "funnel.question": ("How many first-time buyers come back, and where do journeys stop?",
                        "有多少首购客户会回来复购？营销旅程在哪个环节流失最多？"),
    "funnel.answer": ("{second} of {n} came back for a second order (a median of {days} after "
                      "the first) and {last} reached order {k}.",
                      "{n}中有{second}回来购买了第二单（中位间隔{days}），{last}达到第{k}单。"),
    "funnel.finding": ("Only {second} of first-time buyers came back for a second order.",
                       "首购客户中只有{second}回来购买了第二单。"),
    "funnel.finding_drop": ("The journey loses most people between “{a}” and “{b}”: only "
                            "{share} go on.", "营销旅程在“{a}”到“{b}”之间流失最多：只有{share}继续。"),
    "funnel.action": ("Prompt the {n} who bought once in the last {days} to place a second "
                      "order.", "引导最近{days}内仅购买一次的{n}完成第二单。"),
    "funnel.todo": ("Win the second order: once customers have bought twice, each next order "
                    "is more likely.", "重点促成第二单：客户一旦复购，后续购买的可能性会明显提高。"),
    "funnel.todo_plain": ("Follow up new buyers before their usual repeat gap passes.",
                          "在新客通常的复购间隔到来之前进行跟进。"),
    # ------------------------------------------------------------------ attribution
    "attribution.heading": ("Which marketing channels win new customers", "渠道归因：哪些渠道带来新客"),
    "attribution.question": ("Which channels deserve the credit for first purchases, and "
                             "where should the budget go?",
                             "哪些渠道真正促成了首购？预算应该投向哪里？"),
    "attribution.answer": ("Crediting only the last touch favours {lt}; the data-driven view, "
                           "which also credits the touches that start a journey, puts {dd} "
                           "first ({share} of first purchases).",
                           "只看末次触点，功劳最大的是{lt}；按数据驱动的归因（同时计入开启旅程的触点），"
                           "排名第一的是{dd}（占首购的{share}）。"),
    "attribution.no_touch": ("no touchpoint table was provided.", "未提供营销触点数据。"),
    "attribution.no_paths": ("no first purchase is preceded by a touch within {days}.",
                             "没有任何首购在{days}内有营销触达。"),
    "attribution.finding": ("Last touch gives {lt} {lt_share} of first purchases; the "
                            "data-driven view gives it {dd_share}.",
                            "末次触点归因给{lt}的首购占比为{lt_share}，数据驱动归因下为{dd_share}。"),
    "attribution.move": ("Move {amount} of budget from {src} to {dst} as a test: per ¥1, {dst} "
                         "returns {hi_roas} of attributed revenue against {lo_roas} for {src}.",
                         "建议以测试方式将{amount}预算从{src}调至{dst}：每投入1元，{dst}带来"
                         "{hi_roas}的归因收入，{src}为{lo_roas}。"),
    "attribution.no_move": ("No budget move is recommended: the channels with enough spend "
                            "and first purchases ({channels}) cannot be told apart once the "
                            "uncertainty of the credit rules is taken into account.",
                            "不建议调整预算：投入和首购量都足够的渠道（{channels}）在考虑归因方法"
                            "的不确定性后无法区分优劣。"),
    "attribution.too_few": ("Budget advice is limited to channels with at least {spend} of "
                            "spend and {conv} credited first purchases; {channels} fall short "
                            "and are left out.",
                            "预算建议只针对投入不低于{spend}且归因首购不少于{conv}的渠道；"
                            "{channels}未达到标准，不纳入建议。"),
    "attribution.none_eligible": ("none", "无"),
    "attribution.todo": ("Move budget in small steps and confirm each move with a hold-out "
                         "test before the next.", "小步调整预算，每次调整都用对照测试确认效果后再继续。"),
    "attribution.social": ("{top} brought {share} of the {clicks} on {channel}, across {n}.",
                           "在{channel}上，{top}贡献了{clicks}中的{share}（共{n}）。"),
    # ------------------------------------------------------------------ loyalty
    "loyalty.heading": ("Points ladder: what the case's programme would cost (scenario)",
                        "积分阶梯：案例方案的成本测算（情景模拟）"),
    "loyalty.question": ("If the case's points ladder had run on your customers, who would "
                         "have reached each member tier and what would it have cost?",
                         "如果案例中的积分阶梯方案在贵司客户中实施，各会员等级会有多少人达到？"
                         "成本是多少？"),
    "loyalty.answer": ("As a scenario: {n1} of {members} would have reached {tier1}, and the "
                       "programme would have cost about {cost}, {share} of the {spend} spent.",
                       "情景测算：{members}中有{n1}会达到{tier1}，方案总成本约{cost}，"
                       "占期间消费额{spend}的{share}。"),
    "loyalty.finding": ("The case's points ladder would cost about {cost} ({share} of spend) "
                        "on this customer base.",
                        "案例积分阶梯方案在本客户群上的成本约为{cost}（占消费额的{share}）。"),
    "loyalty.todo": ("Treat this as a scenario, not a plan: the ladder pays for itself only if "
                     "it raises members' spend by more than {share}. Pilot it with a control "
                     "group first; the rules used are listed under the assumptions.",
                     "这是情景测算而非方案：只有会员消费提升超过{share}，积分阶梯才能收回成本。"
                     "建议先设对照组小范围试点；所用规则见报告末尾的假设。"),
    "loyalty.no_referral": ("No referral data, so referral points are not counted.",
                            "没有推荐关系数据，未计入推荐积分。"),
    "loyalty.benefit": ("{discount} off + {voucher} voucher", "{discount}折扣+{voucher}代金券"),
    # ------------------------------------------------------------------ cohorts
    "cohorts.heading": ("Cohort retention: do the customers we win stay?",
                        "留存分析：新客户能否留下来（同期群）"),
    "cohorts.question": ("Of the customers won each month, how many still buy one, three, six "
                         "and twelve months later, and how much have they spent by then?",
                         "每月新增的客户在1个月、3个月、6个月、12个月后还有多少人在购买？"
                         "届时人均累计贡献多少销售额？"),
    "cohorts.answer": ("{m1} of new customers buy again in the month after their first "
                       "purchase and {mk} in month {k}; by month {k} a customer has brought "
                       "{ltv} on average.",
                       "新客户中有{m1}在首购后的次月再次购买，第{k}个月仍有{mk}购买；"
                       "截至第{k}个月，人均累计贡献{ltv}。"),
    "cohorts.answer_one": ("{m1} of new customers buy again in the month after their first "
                           "purchase; by then a customer has brought {ltv} on average.",
                           "新客户中有{m1}在首购后的次月再次购买；截至次月，人均累计贡献{ltv}。"),
    "cohorts.finding": ("{m1} of new customers buy again the month after their first purchase; "
                        "in month {k}, {mk} still buy that month and {after} buy in it or later.",
                        "新客户中有{m1}在首购次月复购；到第{k}个月，当月仍购买的占{mk}，"
                        "当月及以后仍有购买的占{after}。"),
    "cohorts.table": ("All cohorts together (each month over the cohorts observed that long):",
                      "全部同期群合计（每个月份只计入已观察到该月的同期群）："),
    "cohorts.by_channel": ("By acquisition channel:", "按获客渠道："),
    "cohorts.note": ("A cohort is the customers whose first purchase fell in the same calendar "
                     "month; months that end after {day} are not observed and left blank.",
                     "同期群指首购发生在同一自然月的客户；{day}之后才结束的月份尚未观察到，留空。"),
    "cohorts.todo": ("Watch the month-1 figure of every new cohort: a cohort well below its "
                     "neighbours points to a weak campaign or first experience, and the second "
                     "purchase is won or lost in that first month.",
                     "持续跟踪每个新同期群的次月留存：明显低于相邻月份的同期群，往往意味着获客活动"
                     "或首单体验有问题；第二单能否促成，关键就在首购后的第一个月。"),
    "cohorts.short": ("the data cover less than two full calendar months after the first "
                      "purchases, too short to follow a cohort.",
                      "首购之后的数据不足两个完整自然月，无法跟踪同期群留存。"),
    "col.month_n": ("months after the first purchase", "首购后第N个月"),
    "col.cohort_customers": ("customers observed", "已观察客户数"),
    "col.retained_on": ("bought in that month", "当月购买比例"),
    "col.retained_after": ("bought in that month or later", "当月及以后仍购买比例"),
    "col.ltv_cum": ("cumulative revenue per customer", "人均累计销售额"),
    "col.retained_month": ("bought in month {k}", "第{k}个月购买比例"),
    "chart.cohort_triangle": ("Share of each cohort buying N months after joining",
                              "同期群留存三角：首购后第N个月的购买比例"),
    "chart.retention_curve": ("Retention curve", "留存曲线"),
    "axis.months_since": ("months since the first purchase", "距首购月数"),
    "axis.cohort": ("cohort (month of first purchase)", "同期群（首购月份）"),
    "axis.share_cohort": ("share of the cohort", "占同期群比例"),
    # ------------------------------------------------------------------ paths
    "paths.heading": ("User paths: the touches before the first purchase",
                      "用户路径：首购前的触点"),
    "paths.question": ("Which marketing touches do people have just before they first buy?",
                       "客户在首次购买之前，最后接触的是哪些营销触点？"),
    "paths.answer": ("Journeys to a first purchase are spread out: the most common path, {path}, "
                     "is taken by {share} of the {n}, and the last touch before buying is most "
                     "often {last} ({last_share}).",
                     "首购前的路径十分分散：最常见的路径“{path}”仅占{n}中的{share}；购买前的"
                     "最后一个触点最常见的是{last}（占{last_share}）。"),
    "paths.finding": ("The last touch before a first purchase is {last} for {share} of first "
                      "buyers; a last-touch report credits it with sales other channels started.",
                      "{share}的首购客户在购买前最后接触的是{last}；只看末次触点，会把其他渠道"
                      "开启的销售都算到它头上。"),
    "paths.table": ("The {n} most frequent paths of the last three touches before the first "
                    "purchase:", "首购前最后三个触点最常见的{n}条路径："),
    "paths.last_table": ("The last touch before the first purchase:", "首购前的最后一个触点："),
    "paths.note": ("Repeats of one channel in a row count once; channels beyond the {top} most "
                   "frequent are shown as “other”; “no earlier touch” fills a path with fewer "
                   "than {k} touches.",
                   "同一渠道的连续触达只计一次；{top}个最常见渠道以外的渠道归为“其他”；"
                   "触点少于{k}个的路径以“无更早触点”补足。"),
    "paths.todo": ("Judge each channel by the journeys it starts as well as those it ends, and "
                   "decide budgets on the shared credit of the attribution section rather than "
                   "on the last touch.",
                   "评估渠道时，既要看它促成了多少成交，也要看它开启了多少旅程；预算决策请参考"
                   "渠道归因部分的数据驱动归因，而不是只看末次触点。"),
    "paths.no_touch": ("no touchpoint table was provided, so the touches before the first "
                       "purchase cannot be traced.",
                       "未提供营销触点数据，无法追踪首购前的用户路径。"),
    "paths.first_purchase": ("first purchase", "首购"),
    "chart.paths": ("The last {k} touches before the first purchase", "首购前的最后{k}个触点"),
    "col.path": ("path", "用户路径"),
    "col.first_buyers": ("first buyers", "首购客户数"),
    "col.share_first_buyers": ("share of first buyers", "占首购客户比例"),
    "col.last_touch": ("last touch", "最后触点"),
    # ------------------------------------------------------------------ channel sections
    "social.heading": ("Social accounts: effect, not clicks or fans",
                       "社交账号投放：看效果，不看点击和粉丝"),
    "social.question": ("Which social accounts actually brought orders, and does the click "
                        "count or the follower count show it?",
                        "哪些社交账号真正带来了订单？点击数或粉丝数能反映这一点吗？"),
    "social.answer": ("{top_clicks} took {click_share} of the {clicks}, but measured against "
                      "the held-out followers {top_effect} caused the most extra orders "
                      "({effect_share} of {orders} incremental orders); rank correlation with "
                      "the measured effect: follower count {rho_fans}, clicks {rho_clicks}.",
                      "{top_clicks}获得了{clicks}中的{click_share}，但与未看到帖子的对照粉丝相比，"
                      "带来最多新增订单的是{top_effect}（占{orders}笔新增订单的{effect_share}）；"
                      "与实测效果的排序相关系数：粉丝数{rho_fans}，点击数{rho_clicks}。"),
    "social.no_table": ("no social posts table (social_posts) was provided.",
                        "未提供社交媒体帖子数据（social_posts）。"),
    "social.finding": ("Clicks overstate {top_clicks}: {click_share} of the clicks, but "
                       "{effect_share} of the orders the posts caused.",
                       "点击数高估了{top_clicks}：它占点击的{click_share}，却只占帖子带来的新增订单的"
                       "{effect_share}。"),
    "social.sure": ("{n} of {m} accounts have an effect whose {level} interval lies above zero.",
                    "{m}个账号中有{n}个账号的效果{level}置信区间高于零。"),
    "social.todo": ("Choose accounts by the orders their posts cause (keep a held-out share of "
                    "each post's audience), not by clicks or follower counts; re-measure every "
                    "campaign, since an account's audience drifts.",
                    "按帖子带来的新增订单（每次投放保留一部分不展示的对照粉丝）选择账号，而不是看点击"
                    "或粉丝数；账号受众会变化，每次投放都要重新测量。"),
    "social.chart_effect": ("Extra orders per account (bars, with interval) and clicks "
                            "(diamonds, scaled)", "各账号新增订单（柱形及置信区间）与点击数（菱形，按比例缩放）"),
    "social.chart_fans": ("Followers vs measured effect", "粉丝数与实测效果"),
    "social.legend_effect": ("extra orders", "新增订单"),
    "social.legend_interval": ("{level} interval", "{level}置信区间"),
    "social.legend_clicks": ("clicks (scaled)", "点击数（按比例缩放）"),
    "social.legend_measured": ("measured", "实测"),
    "axis.extra_orders": ("extra orders caused by the posts", "帖子带来的新增订单（笔）"),
    "axis.followers_k": ("followers (thousands)", "粉丝数（千）"),
    "col.account": ("account", "账号"),
    "col.followers": ("followers", "粉丝数"),
    "col.clicks": ("clicks", "点击数"),
    "col.click_share": ("share of clicks", "点击占比"),
    "col.extra_orders": ("extra orders", "新增订单"),
    "col.interval": ("interval", "置信区间"),
    "col.effect_share": ("share of extra orders", "新增订单占比"),
    "web.heading": ("Website visits: which visits lead to orders",
                    "网站访问：哪些访问带来订单"),
    "web.question": ("How often does a visit end in an order, by where it came from and "
                     "whether the visitor is new or returning?",
                     "按访问来源和新老访客区分，访问转化为订单的比例是多少？"),
    "web.answer": ("Of {visits}, {orders} placed an order ({rate}); the best group is "
                   "{best} at {best_rate}, the weakest {worst} at {worst_rate}.",
                   "在{visits}中，{orders}产生了订单（{rate}）；转化最高的是{best}（{best_rate}），"
                   "最低的是{worst}（{worst_rate}）。"),
    "web.visits": ("{n} visits", "{n}次访问"),
    "web.no_table": ("no website visits table (sessions) was provided.",
                     "未提供网站访问数据（sessions）。"),
    "web.no_order": ("the visits table has no order flag (ordered).",
                     "访问数据中没有订单标记（ordered）。"),
    "web.finding": ("Returning visitors from {source} order at {ret_rate} per visit, new ones "
                    "at {new_rate}.", "来自{source}的回访客户每次访问下单率为{ret_rate}，新访客为"
                    "{new_rate}。"),
    "web.chart": ("Order rate per visit, with 95% interval", "每次访问的下单率（含95%置信区间）"),
    "axis.order_rate": ("orders per visit", "每次访问下单率"),
    "web.pricing_caption": ("Media campaigns: the most you can pay before the media costs the "
                            "whole gross margin ({margin}) of the campaign's orders",
                            "媒体投放：在媒体费用吃掉订单全部毛利（{margin}）之前，各计价方式最多能付的价格"),
    "web.pricing_note": ("Break-even rates from the campaign's own clicks, actions (a "
                         "registration or an inquiry) and sales; an offer above them loses "
                         "money on the orders seen. CPM needs the impressions the publisher "
                         "reports, which the visits table does not hold.",
                         "盈亏平衡价格按该投放自身的点击、行动（注册或咨询）和销售额计算；高于此价格，"
                         "已观察到的订单就会亏损。CPM需要媒体提供的曝光数，访问数据中没有。"),
    "web.no_campaign": ("No visit came from a media campaign, so media pricing is not shown.",
                        "没有来自媒体投放的访问，因此不展示媒体计价。"),
    "web.todo": ("Judge sources by orders per visit, not visits; bring back the visitors of "
                 "the best sources, and buy media per click or per action only below the "
                 "break-even prices.",
                 "按每次访问的下单率而不是访问量评价来源；争取最佳来源的访客回访；只有低于盈亏平衡价时"
                 "才按点击或行动购买媒体。"),
    "col.source": ("source", "来源"),
    "col.visitor": ("visitor", "访客类型"),
    "col.visits": ("visits", "访问次数"),
    "col.orders": ("orders", "订单数"),
    "col.order_rate": ("order rate", "下单率"),
    "col.campaign": ("campaign", "投放"),
    "col.actions": ("actions", "行动数"),
    "col.sales": ("sales", "销售额"),
    "col.cpc_max": ("most per click (CPC)", "每次点击最高价（CPC）"),
    "col.cpa_max": ("most per action (CPA)", "每次行动最高价（CPA）"),
    "col.cps_max": ("most commission (CPS)", "最高佣金比例（CPS）"),
    "leads.heading": ("Lead sources: what each costs and earns", "线索来源：成本与收益"),
    "leads.question": ("Which lead sources pay once their fees and the margin of all their "
                       "orders are counted, and what does a late first contact cost?",
                       "计入费用和全部订单毛利后，哪些线索来源是赚钱的？首次联系推迟的代价是多少？"),
    "leads.answer": ("{best} earns the most after its costs ({best_net}); {paid} cost "
                     "{cost} in fees, and a lead loses half its chance to buy in {half_life}.",
                     "扣除成本后收益最高的是{best}（{best_net}）；{paid}的费用合计{cost}，"
                     "线索的成交机会在{half_life}后减半。"),
    "leads.no_table": ("no leads table (leads) was provided.", "未提供销售线索数据（leads）。"),
    "leads.no_orders": ("the leads' orders with their gross margin (lead_orders, or "
                        "transactions with a margin column) were not provided.",
                        "未提供带毛利的线索订单（lead_orders，或含margin列的交易记录）。"),
    "leads.voucher_note": ("Sales paid with vouchers ({n} leads carry one) count the voucher's "
                           "face value; what the store gives up depends on how much of it the "
                           "developer pays, which these tables do not hold.",
                           "购物券订单（{n}条线索持有购物券）的销售额包含购物券面值；门店实际让出多少，"
                           "取决于开发商按面值支付的比例，这些数据中没有。"),
    "leads.no_decay": ("The decay with the contact delay is not shown: {reason}",
                       "未展示成交率随联系延迟的衰减：{reason}"),
    "leads.finding_delay": ("Contacting {source} leads after {days} instead of the next day "
                            "loses {lost} of margin per event ({share} of the leads' chance "
                            "to buy).", "{source}线索若在{days}后而非次日才联系，每场活动损失毛利{lost}"
                            "（线索成交机会减少{share}）。"),
    "leads.finding_best": ("{best} brings {net} of margin after costs.",
                           "{best}扣除成本后带来毛利{net}。"),
    "leads.todo": ("Judge each source on the margin of all its leads' orders, not only the "
                   "orders on the day; get lead lists handed over within days, not weeks.",
                   "按线索带来的全部订单毛利而不只是当天订单来评价各来源；要求在几天内而不是几周后"
                   "拿到线索名单。"),
    "leads.chart_econ": ("Margin and cost per lead source", "各线索来源的毛利与成本"),
    "leads.chart_decay": ("Share of leads buying by days to the first contact",
                          "按首次联系天数计的线索成交比例"),
    "leads.legend_margin": ("gross margin", "毛利"),
    "leads.legend_cost": ("cost (fees)", "成本（费用）"),
    "leads.legend_net": ("margin after cost", "扣除成本后的毛利"),
    "leads.legend_handover": ("15-30 day hand-over", "15-30天的名单移交期"),
    "axis.thousand_money": ("thousand ¥", "千元"),
    "axis.days_to_contact": ("days from capture to first contact", "从获取线索到首次联系的天数"),
    "axis.share_buying": ("share of leads buying", "成交线索比例"),
    "col.leads": ("leads", "线索数"),
    "col.cost": ("cost", "成本"),
    "col.cost_per_lead": ("cost per lead", "每条线索成本"),
    "col.cost_per_order": ("cost per order", "每单成本"),
    "col.margin": ("gross margin", "毛利"),
    "col.net_margin": ("margin after cost", "扣除成本后的毛利"),
    "visitor.new": ("new visitor", "新访客"),
    "visitor.returning": ("returning visitor", "回访客户"),
}

#: Glossary: key -> ((term, explanation) in English, (term, explanation) in Chinese).
GLOSSARY: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "clv": (("customer lifetime value (CLV)", "What a customer is expected to spend over a "
             "future period, discounted to today's money."),
            ("客户终身价值（CLV）", "客户在未来一段时间内预计贡献的消费额，按折现率折算为当前价值。")),
    "p_alive": (("chance still active", "The probability that a customer has not quietly "
                 "stopped buying, estimated from how often and how recently they bought."),
                ("活跃概率", "根据客户的购买频次与最近一次购买时间，估计其仍未流失的概率。")),
    "bgnbd": (("BG/NBD and MBG/NBD", "Statistical models of repeat buying: each customer buys "
               "at their own pace until they drop out unseen. The better-fitting one is used."),
              ("BG/NBD与MBG/NBD模型", "描述重复购买的统计模型：每位客户按各自节奏购买，直到在"
               "不被察觉的情况下流失。报告采用拟合更好的一个。")),
    "discount": (("discounting", "Future revenue is worth less than revenue today; the annual "
                  "discount rate converts it."),
                 ("折现", "未来的收入不如今天的收入值钱，按年折现率换算为当前价值。")),
    "churn": (("churn", "A customer who stops buying; here, an active customer who does not buy "
               "in the test period."),
              ("流失", "客户不再购买；本报告指活跃客户在检验期内没有再购买。")),
    "auc": (("ranking accuracy (ROC AUC)", "The chance that a score ranks a random leaver above "
             "a random stayer: 0.5 is guessing, 1 is perfect."),
            ("排序准确度（ROC AUC）", "随机抽取一位流失客户和一位留存客户，评分把流失客户排在前面的"
             "概率：0.5相当于随机猜测，1为完美。")),
    "holdout": (("hold-out group", "Customers picked at random and deliberately not contacted, "
                 "so the effect of a campaign can be measured against them."),
                ("对照组", "随机抽取、刻意不触达的客户，用来衡量营销活动的真实效果。")),
    "rfm": (("RFM", "Grouping customers by Recency (days since the last order), Frequency "
             "(number of orders) and Monetary value (spend)."),
            ("RFM模型", "按最近一次购买（Recency）、购买频次（Frequency）和消费金额（Monetary）"
             "对客户分群。")),
    "pareto": (("2-8 rule", "The rule of thumb that about 20% of customers bring about 80% of "
                "the value."), ("二八法则", "经验法则：约20%的客户贡献约80%的价值。")),
    "clock": (("consumption clock", "The case's rule that a customer runs out after a fixed "
               "number of days per unit bought (about one can of formula a week), so reminders "
               "are timed to that day."),
              ("消耗周期规则", "案例中的规则：客户每购买一件按固定天数消耗完（如奶粉约一周一罐），"
               "据此安排提醒时间。")),
    "median_gap": (("median-gap rule", "A simple benchmark: the next purchase is expected after "
                    "the customer's usual (median) gap between orders."),
                   ("中位间隔规则", "简单基准：假设客户下次购买发生在其惯常（中位数）购买间隔之后。")),
    "mae": (("mean miss", "The average number of days between the predicted and the actual "
             "next purchase (mean absolute error)."),
            ("平均误差", "预测的下次购买日期与实际日期相差天数的平均值（平均绝对误差）。")),
    "funnel": (("funnel", "The share of customers who go on from one step (such as first order, "
                "second order) to the next."),
               ("漏斗", "客户从一个环节（首单、第二单等）进入下一个环节的比例。")),
    "attribution": (("channel attribution", "Sharing the credit for a first purchase among the "
                     "marketing touches the customer had before it."),
                    ("渠道归因", "把一次首购的功劳分配给客户此前接触过的各个营销触点。")),
    "last_touch": (("last touch", "All credit to the last touch before the purchase."),
                   ("末次触点归因", "把全部功劳归于购买前的最后一次触达。")),
    "data_driven": (("data-driven attribution (Markov, Shapley)", "Credit from comparing "
                     "journeys with and without each channel; the report uses the mean of the "
                     "Markov-chain and Shapley-value models."),
                    ("数据驱动归因（马尔可夫、Shapley值）", "通过比较有无某渠道的旅程来分配功劳；报告取"
                     "马尔可夫链模型与Shapley值模型的平均值。")),
    "roas": (("revenue per ¥1", "Attributed revenue divided by the channel's spend (return on "
              "ad spend, ROAS)."),
             ("每1元带来的收入（ROAS）", "渠道的归因收入除以该渠道的投入费用（广告支出回报率）。")),
    "points": (("points ladder", "A loyalty programme where spend earns points and points "
                "unlock member tiers with discounts and vouchers."),
               ("积分阶梯", "消费累积积分、积分解锁不同会员等级及折扣和代金券的会员方案。")),
    "breakage": (("breakage", "The share of vouchers that are never redeemed."),
                 ("未核销率", "发出后从未被使用的代金券比例。")),
    "expected_value": (("expected value", "The net gain an action is expected to bring: "
                        "customers reached × success rate × value of a success − contact costs."),
                       ("预期价值", "一项行动预计带来的净收益：触达人数×成功率×单次成功价值−触达成本。")),
    "cohort": (("cohort", "The customers whose first purchase fell in the same calendar month, "
                "followed together month by month."),
               ("同期群", "首购发生在同一自然月的客户，按月一起跟踪其后续购买。")),
    "retention_after": (("retention in month N, and in month N or later", "The share of a "
                         "cohort that buys in month N after joining; “or later” also counts "
                         "those who skip that month but buy afterwards (not yet lost)."),
                        ("第N月留存与第N月及以后留存", "同期群中在首购后第N个月购买的比例；"
                         "“及以后”还计入当月未购买、但之后又购买的客户（尚未流失）。")),
    "ltv_cum": (("cumulative revenue per customer", "A cohort's revenue from its first month "
                 "up to month N, divided by its customers (before margin and discounting)."),
                ("人均累计销售额", "同期群从首购当月到第N个月的销售额之和除以客户数（未扣除成本、未折现）。")),
    "user_path": (("user path", "The sequence of marketing touches a person had, here the last "
                   "ones before the first purchase."),
                  ("用户路径", "客户依次经历的营销触点序列；本报告指首购前的最后几个触点。")),
    "incremental": (("extra orders (incremental)", "Orders a post caused: the orders of the "
                     "followers who saw it minus what the held-out followers (not shown the "
                     "post) bought at the same rate."),
                    ("新增订单（增量）", "帖子真正带来的订单：看到帖子的粉丝的订单，减去按同样人数"
                     "折算的未看到帖子的对照粉丝的订单。")),
    "rank_correlation": (("rank correlation", "How alike two rankings are (Spearman): 1 the "
                          "same order, 0 unrelated, −1 reversed."),
                         ("排序相关系数", "两种排名的一致程度（Spearman）：1为完全一致，0为无关，"
                          "−1为完全相反。")),
    "break_even_price": (("break-even price", "The price per click, per action or the "
                          "commission at which the media cost equals the gross margin of the "
                          "campaign's orders."),
                         ("盈亏平衡价", "媒体费用恰好等于该投放订单毛利时的每次点击价、每次行动价"
                          "或佣金比例。")),
    "lead_decay": (("lead decay (half-life)", "A lead that waits for its first contact buys "
                    "elsewhere at a steady daily rate; the half-life is the wait after which "
                    "half of its chance to buy is gone."),
                   ("线索衰减（半衰期）", "等待首次联系的线索会以稳定的日比例流向别家；半衰期是"
                    "成交机会减少一半所需的天数。")),
}
