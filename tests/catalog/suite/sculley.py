"""Designs from Sculley et al. 2015, 'Hidden Technical Debt in Machine Learning Systems', NeurIPS.

Section numbers are the paper's. Each design is our own small system showing the debt the
section describes (or, for the clean ones, the remedy it recommends).
"""

from __future__ import annotations

from archkit import Component, Flag, Flow, connect

from . import design
from ._kit import documented, logs, sink

SCULLEY = "Sculley et al. 2015, 'Hidden Technical Debt in Machine Learning Systems', NeurIPS"
CTR = "click-through rate prediction"
CTR_OUT = [{"name": "ctr", "type": "probability", "meaning": "chance that the ad is clicked"}]


@design("ads-ctr-correction", source=f"{SCULLEY}, §2.1 'Correction cascades'",
        findings=["correction-cascade@ctr_japan"], patterns=["prediction-logging"],
        absent=["sequential-decomposition", "ensemble", "metamodel-stacking", "cascade"])
def ads_ctr_correction():
    """A regional click model learned as a quick correction on top of the global one."""
    server = Component("ad_server", kind="business_logic", owner="ads", language="java")
    base = documented("ctr_global", CTR, "ads-ml", outputs=CTR_OUT)
    regional = documented("ctr_japan", CTR, "ads-ml", corrects=[base], outputs=CTR_OUT)
    server >> regional
    regional >> base
    logs(server, sink())


@design("ads-ctr-correction-writing-caller", source=f"{SCULLEY}, §2.1 'Correction cascades'",
        findings=["correction-cascade@ctr_adjust"], patterns=["prediction-logging"],
        absent=["sequential-decomposition", "ensemble", "metamodel-stacking", "cascade"])
def ads_ctr_correction_writing_caller():
    """The ad server asks the global model, then a per-market model that adjusts its score, and
    records each impression; nothing says 'corrects', the declared inputs and the flow do."""
    server = Component("ad_server", kind="business_logic", owner="ads")
    impressions = Component("impressions", kind="datastore", owner="ads")
    base = documented("ctr_global", CTR, "ads-ml", outputs=CTR_OUT)
    adjust = documented("ctr_adjust", CTR, "ads-ml", outputs=CTR_OUT, inputs=[
        {"name": "ctr", "type": "probability", "meaning": "the global model's estimate"},
        {"name": "market", "type": "string", "unit": "ISO 3166 code", "meaning": "market of the request"}])
    ask = server >> base
    fix = server >> adjust
    record = connect(server, impressions, "async_message", op="write")
    Flow("serve_ad", steps=[ask, fix, record])
    logs(server, sink())


@design("churn-score-table", source=f"{SCULLEY}, §2.2 'Undeclared consumers'",
        findings=["undeclared-consumers@pricing_service", "undeclared-consumers@support_dashboard"],
        patterns=["batch-serving", "precomputed-prediction-serving"])
def churn_score_table():
    """A nightly job scores every customer into a table; two teams read it without anyone knowing."""
    activity = Component("user_activity", kind="datastore", owner="data-platform")
    scores = Component("churn_scores", kind="datastore", owner="growth-ml")
    job = Component("nightly_scoring", kind="batch_job", owner="growth-ml")
    churn = documented("churn_model", "churn prediction", "growth-ml")
    campaign = Component("retention_campaign", kind="business_logic", owner="growth")
    pricing = Component("pricing_service", kind="business_logic", owner="pricing")
    support = Component("support_dashboard", kind="ui", owner="support")
    connect(job, activity, "batch_transfer", op="read")
    connect(job, churn, "sync_call")
    connect(job, scores, "batch_transfer", op="write", consumers=[campaign])
    connect(campaign, scores, "sync_call", op="read")
    connect(pricing, scores, "sync_call", op="read")
    connect(support, scores, "sync_call", op="read")
    logs(job, sink())


@design("search-log-reuse", source=f"{SCULLEY}, §2.2 'Undeclared consumers' and §3.1 'Unstable data dependencies'",
        findings=["undeclared-consumers@ads_features", "unstable-data-dependency@ads_features"],
        patterns=["prediction-logging", "sequential-decomposition"])
def search_log_reuse():
    """The ads team encodes features from the search team's ranking log."""
    frontend = Component("search_frontend", kind="business_logic", owner="search")
    ranker = documented("search_ranker", "search result ranking", "search")
    ranking_log = Component("ranking_log", kind="datastore", owner="search",
                            description="every ranked list with its scores")
    server = Component("ads_server", kind="business_logic", owner="ads")
    features = Component("ads_features", kind="feature_encoder", owner="ads")
    relevance = documented("ads_relevance", "ad relevance prediction", "ads")
    frontend >> ranker
    connect(ranker, ranking_log, "async_message", purpose="telemetry")
    server >> features >> relevance
    connect(features, ranking_log, "sync_call", op="read")
    logs(relevance, sink("ads_telemetry"))


@design("geo-signal-encoder", source=f"{SCULLEY}, §3.1 'Unstable data dependencies'",
        findings=["unstable-data-dependency@delivery_features"], patterns=["prediction-logging"])
def geo_signal_encoder():
    """An encoder builds features from the answers of another team's service; a platform gateway
    calls the encoder (a caller of another team's component, which reads no signal into a model)."""
    gateway = Component("api_gateway", kind="gateway", owner="platform")
    features = Component("delivery_features", kind="feature_encoder", owner="eta-ml")
    geo = Component("geo_service", kind="business_logic", owner="maps", description="travel times between areas")
    eta = documented("eta_model", "delivery time estimation", "eta-ml")
    gateway >> features
    features >> geo
    features >> eta
    logs(eta, sink())


@design("foreign-callers", source=f"{SCULLEY}, §3.1 'Unstable data dependencies' (the remedy: own the signals a model reads)",
        patterns=["ml-gateway-routing", "prediction-logging"])
def foreign_callers():
    """Other teams call the fraud model through a gateway; the model reads only its own team's features."""
    checkout = Component("checkout", kind="business_logic", owner="payments")
    gateway = Component("ml_gateway", kind="gateway", owner="platform")
    fraud = documented("fraud_model", "fraud detection", "risk-ml")
    features = Component("risk_features", kind="feature_store", owner="risk-ml")
    checkout >> gateway >> fraud
    connect(fraud, features, "sync_call", op="read")
    logs(gateway, sink())


@design("glue-adapters", source=f"{SCULLEY}, §5 'Glue code'",
        findings=["glue-code@nlp_package"], patterns=["prediction-logging"])
def glue_adapters():
    """Three products each wrote their own adapter around one general-purpose package."""
    nlp = documented("nlp_package", "text classification", "ml-platform",
                     description="a general-purpose text classification package")
    for product in ("search", "chat", "ads"):
        app = Component(f"{product}_app", kind="business_logic", owner=product)
        adapter = Component(f"{product}_adapter", kind="adapter", owner=product,
                            description=f"turns {product} requests into the package's tensors and back")
        app >> adapter >> nlp
    logs(nlp, sink())


@design("glue-code-lines", source=f"{SCULLEY}, §5 'Glue code' (5 % ML code, 95 % glue)",
        findings=["glue-code@fraud_model"], patterns=["prediction-logging"])
def glue_code_lines():
    """One adapter of 24,000 lines around 1,200 lines of ML code."""
    checkout = Component("checkout", kind="business_logic", owner="payments", lines_of_code=40_000, language="java")
    glue = Component("fraud_glue", kind="adapter", owner="payments", lines_of_code=24_000, language="java")
    features = Component("fraud_features", kind="feature_encoder", owner="risk-ml", lines_of_code=300,
                         language="python")
    fraud = documented("fraud_model", "fraud detection", "risk-ml", lines_of_code=900, language="python")
    checkout >> glue >> features >> fraud
    logs(fraud, sink())


@design("pipeline-jungle", source=f"{SCULLEY}, §5 'Pipeline jungles'",
        findings=["pipeline-jungles@train_propensity"],
        patterns=["closed-loop-intelligence", "continued-model-evaluation", "model-versioning"])
def pipeline_jungle():
    """Training data scraped from three sources through intermediate files and two joins."""
    clicks = Component("clickstream", kind="datastore", owner="web")
    crm = Component("crm_export", kind="datastore", owner="sales")
    partner = Component("partner_feed", kind="external")
    scrape = Component("scrape_clicks", kind="batch_job", owner="marketing-ml")
    daily = Component("clicks_daily.csv", kind="datastore", owner="marketing-ml")
    join_customers = Component("join_customers", kind="batch_job", owner="marketing-ml")
    joined = Component("customers_joined.parquet", kind="datastore", owner="marketing-ml")
    join_partner = Component("join_partner", kind="batch_job", owner="marketing-ml")
    table = Component("training_table", kind="datastore", owner="marketing-ml")
    trainer = Component("train_propensity", kind="training_pipeline", owner="marketing-ml")
    registry = Component("registry", kind="model_registry", owner="marketing-ml")
    model = documented("propensity_model", "purchase propensity", "marketing-ml",
                       feedback_loop="a random 10 % holdout gets no campaign; training uses only holdout conversions")
    tool = Component("campaign_tool", kind="business_logic", owner="marketing")
    conversions = Component("conversions", kind="datastore", owner="marketing")
    for job, reads, writes in ((scrape, [clicks], daily), (join_customers, [daily, crm], joined),
                               (join_partner, [joined, partner], table)):
        for r in reads:
            connect(job, r, "batch_transfer", op="read", purpose="training")
        connect(job, writes, "batch_transfer", op="write", purpose="training")
    connect(trainer, table, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    tool >> model
    connect(tool, conversions, "async_message", purpose="feedback")
    connect(trainer, conversions, "batch_transfer", op="read", purpose="feedback")
    logs(tool, sink())


@design("flagged-experiment", source=f"{SCULLEY}, §5 'Dead experimental codepaths'",
        findings=["dead-experimental-code-paths@ranker_v2", "dead-experimental-code-paths@holiday_boost"],
        patterns=["prediction-logging"], absent=["canary-release", "shadow-deployment", "ensemble"])
def flagged_experiment():
    """A ranking trial switched off long ago and a seasonal rule nobody owns, both still deployed."""
    frontend = Component("search_frontend", kind="business_logic", owner="search")
    ranker = documented("ranker", "search result ranking", "search-ml")
    ranker_v2 = documented("ranker_v2", "search result ranking", "search-ml", status="experimental")
    holiday = Component("holiday_boost", kind="business_logic", status="experimental", description="seasonal re-ranking rules")
    frontend >> ranker
    trial = frontend >> ranker_v2
    frontend >> holiday
    Flag("ranker_v2_trial", state="off", owner="search-exp", since="2023-05-01", guards=[ranker_v2, trial])
    Flag("holiday_2022", state="partial", since="2022-11-20", guards=[holiday])
    logs(frontend, sink())


@design("multi-language", source=f"{SCULLEY}, §5 'Multiple-language smell'",
        findings=["multiple-language-smell@recommender"],
        patterns=["closed-loop-intelligence", "continued-model-evaluation", "model-versioning"])
def multi_language():
    """A Java server hosts a Python model that reads Scala-built features and is trained in R."""
    store = Component("storefront", kind="ui", owner="web", language="ruby")
    server = Component("rec_server", kind="business_logic", owner="rec", language="java")
    model = documented("recommender", "item recommendation", "rec-ml", language="python",
                       feedback_loop="one slot in ten is filled at random; training weights purchases by propensity")
    features = Component("item_features", kind="feature_encoder", owner="rec-ml", language="scala")
    trainer = Component("trainer", kind="training_pipeline", owner="rec-ml", language="r")
    registry = Component("registry", kind="model_registry", owner="rec-ml")
    purchases = Component("purchases", kind="datastore", owner="web")
    store >> server
    connect(server, model, "in_process")
    model >> features
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, model, "batch_transfer", purpose="model_artifact")
    connect(store, purchases, "async_message", purpose="feedback")
    connect(trainer, purchases, "batch_transfer", op="read", purpose="feedback")
    logs(server, sink())


@design("pod-outputs", source=f"{SCULLEY}, §5 'Plain-old-data type smell'",
        findings=["plain-old-datatype-smell@fraud_score"], patterns=["prediction-logging"],
        absent=["sequential-decomposition", "ensemble"])
def pod_outputs():
    """One model answers with a bare float and int; the other says what its number means."""
    api = Component("payments_api", kind="business_logic", owner="payments")
    fraud = documented("fraud_score", "fraud detection", "risk-ml",
                       outputs=[{"name": "score", "type": "float"}, {"name": "code", "type": "int"}])
    geo = documented("geo_risk", "location risk", "risk-ml", outputs=[
        {"name": "risk", "type": "float", "unit": "probability", "meaning": "chance the location is spoofed"}])
    api >> fraud
    api >> geo
    logs(api, sink())


@design("notebook-to-production", source=f"{SCULLEY}, §5 'Prototype smell'",
        findings=["prototype-smell@discount_model", "prototype-smell@pricing_prototype"],
        patterns=["prediction-logging"])
def notebook_to_production():
    """A notebook export and a hackathon prototype answer every checkout request."""
    checkout = Component("checkout", kind="ui", owner="shop")
    api = Component("shop_api", kind="business_logic", owner="shop")
    discount = documented("discount_model", "discount eligibility", "growth-ml", origin="notebook")
    pricing = Component("pricing_prototype", kind="business_logic", status="experimental", owner="growth",
                        description="price rules tried out in a hackathon")
    a = checkout >> api
    b = api >> discount
    c = api >> pricing
    Flow("checkout", steps=[a, b, c])
    logs(api, sink())


@design("news-feedback-loop", source=f"{SCULLEY}, §4 'Feedback loops' (direct feedback loops)",
        findings=["hidden-feedback-loop@article_recommender"],
        patterns=["continued-model-evaluation", "model-versioning"])
def news_feedback_loop():
    """Readers click what the recommender shows; the clicks train the recommender."""
    app = Component("news_app", kind="ui", owner="news")
    rec = documented("article_recommender", "article recommendation", "news-ml")
    clicks = Component("click_log", kind="datastore", owner="news")
    trainer = Component("nightly_training", kind="training_pipeline", owner="news-ml")
    registry = Component("registry", kind="model_registry", owner="news-ml")
    app >> rec
    connect(app, clicks, "async_message", purpose="feedback")
    connect(trainer, clicks, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, rec, "batch_transfer", purpose="model_artifact")
    logs(app, sink())


@design("declared-feedback-loop", source=f"{SCULLEY}, §4 'Feedback loops' (the remedy: a declared, controlled loop)",
        patterns=["closed-loop-intelligence", "continued-model-evaluation", "model-versioning"])
def declared_feedback_loop():
    """The same loop, declared, with exploration and propensity weighting against its bias."""
    app = Component("news_app", kind="ui", owner="news")
    rec = documented("article_recommender", "article recommendation", "news-ml",
                     feedback_loop="5 % of slates are random; training weights clicks by inverse propensity")
    clicks = Component("click_log", kind="datastore", owner="news")
    trainer = Component("nightly_training", kind="training_pipeline", owner="news-ml")
    registry = Component("registry", kind="model_registry", owner="news-ml")
    app >> rec
    connect(app, clicks, "async_message", purpose="feedback")
    connect(trainer, clicks, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, rec, "batch_transfer", purpose="model_artifact")
    logs(app, sink())


@design("pricing-demand-loop", source=f"{SCULLEY}, §4 'Feedback loops' (hidden feedback loops) and §3.1",
        findings=["hidden-feedback-loop@demand_forecast", "unstable-data-dependency@pricing_model"],
        patterns=["sequential-decomposition", "continued-model-evaluation"])
def pricing_demand_loop():
    """Prices follow the demand forecast; sales follow prices; the forecast learns from sales."""
    shop = Component("shop_frontend", kind="ui", owner="shop")
    pricing = documented("pricing_model", "price setting", "pricing-ml", influences=["sales"])
    demand = documented("demand_forecast", "demand forecasting", "supply-ml")
    forecasts = Component("forecasts", kind="datastore", owner="supply-ml")
    sales = Component("sales", kind="datastore", owner="shop")
    trainer = Component("forecast_training", kind="training_pipeline", owner="supply-ml")
    registry = Component("registry", kind="model_registry", owner="supply-ml")
    shop >> pricing
    connect(pricing, forecasts, "sync_call", op="read")
    connect(demand, forecasts, "batch_transfer", op="write", consumers=[pricing])
    connect(shop, sales, "async_message", op="write", purpose="feedback")
    connect(trainer, sales, "batch_transfer", op="read", purpose="training")
    connect(trainer, registry, "batch_transfer", purpose="model_artifact")
    connect(registry, demand, "batch_transfer", purpose="model_artifact")
    logs(shop, sink())
    logs(demand, "telemetry")


@design("topic-signal", source=f"{SCULLEY}, §3.1 'Unstable data dependencies'",
        findings=["unstable-data-dependency@spam_filter"], patterns=["sequential-decomposition", "prediction-logging"])
def topic_signal():
    """The spam filter reads topics that another team's classifier writes and retrains at will."""
    indexer = Component("indexer", kind="business_logic", owner="content")
    topic = documented("topic_classifier", "topic classification", "content-ml")
    topics = Component("topic_table", kind="datastore", owner="content-ml")
    mail = Component("mail_server", kind="business_logic", owner="mail")
    spam = documented("spam_filter", "spam detection", "trust-ml")
    indexer >> topic
    connect(topic, topics, "async_message", op="write", consumers=[spam])
    mail >> spam
    connect(spam, topics, "sync_call", op="read")
    logs(indexer, sink())
    logs(mail, "telemetry")


@design("flagged-trial", source=f"{SCULLEY}, §5 'Dead experimental codepaths' (the remedy: few, owned, dated experiments)",
        patterns=["canary-release", "prediction-logging"], absent=["ensemble", "shadow-deployment", "cascade"])
def flagged_trial():
    """A new ranker gets 10 % of the traffic behind a flag its team owns."""
    frontend = Component("search_frontend", kind="business_logic", owner="search")
    ranker = documented("ranker", "search result ranking", "search-ml")
    trial = documented("ranker_v2", "search result ranking", "search-ml", status="experimental")
    frontend >> ranker
    call = connect(frontend, trial, "sync_call", share=0.1, conditional=True)
    Flag("ranker_v2_trial", state="partial", owner="search-ml", since="2026-11-02", guards=[trial, call])
    logs(frontend, sink())
