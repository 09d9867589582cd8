"""Music recommendation: a personalised home screen for a music streaming app.

A nightly batch job computes a few hundred candidate tracks for every user (precomputed
prediction serving); when the home screen opens, the app's back end looks the candidates up and,
for sessions whose context has changed since the night, a ranking model orders them with fresh
features from a feature store (two-phase prediction: cheap precomputation for everyone, an
online model only where it pays). The variants ask where that online ranking should run: on the
serving fleet, on a GPU pool, or on the phone itself.

Sources (values marked "assumed" are ours, for the review to question):
[K] C. Kaestner, "Deploying a Model", Machine Learning in Production lecture notes (CMU 17-445/645):
    personalised music recommendations as a deployment case; the feature store, batched/precomputed
    serving, two-phase prediction and batch serving patterns.
[L] V. Lakshmanan, S. Robinson, M. Munn, Machine Learning Design Patterns, O'Reilly 2020: batch
    serving (#17) and two-phase predictions (#19).
[H] G. Hulten, Building Intelligent Systems, Apress 2018, ch. 13: back-end cached intelligence.
"""

from archkit import Component, Flow, Link, Model, Node, System, Variant

with System(
    "Music recommendation",
    description="Home screen -> precomputed candidates -> online ranking for changed sessions.",
    version="1.0",
    users=10_000_000,  # assumed
    peak_active_share=0.05,  # assumed: 5 % of the users open the app at the same time at peak
    usage_hours_per_day=2,  # assumed: two hours of listening a day
    requirements=["latency(home-reranked) <= 300 ms"],  # assumed, see the flows
    objectives=["minimize cost"],
) as system:
    with Node(
        "phone", kind="mobile", name="User's phone",
        memory="4 GB", storage="64 GB", cpu_cores=8,  # assumed
        battery="15 Wh", power="2 W",  # assumed
        per_user=1, availability=0.995,  # assumed
    ):
        app = Component("app", kind="ui", name="Music app",
                        description="Shows the home screen and plays music; reports plays and skips",
                        language="kotlin", memory="150 MB", processing_time="5..15 ms",  # assumed
                        data_sensitivity="personal")

    with Node(
        "serving", kind="cloud", name="Serving fleet",
        cpu_cores=16, memory="64 GB", storage="500 GB",  # assumed
        cost_per_hour="0.80 USD/h",  # assumed on-demand price of a 16-core server
        count=40,  # assumed
        availability=0.999,  # assumed
    ):
        home_api = Component(
            "home_api", kind="business_logic", name="Home screen API",
            description="Looks up the user's candidates and asks for a ranking when the session changed",
            language="java", stateless=True, cpus=1, memory="2 GB",  # assumed
            processing_time="2..5 ms",  # assumed
            autoscaling={"min_replicas": 20, "max_replicas": 200})  # assumed
        rec_table = Component(
            "candidate_table", kind="datastore", name="Candidate table",
            description="Key-value table: user id -> candidate tracks computed last night",
            cpus=2, memory="32 GB", storage="200 GB", replicas=10,  # assumed
            processing_time="1..3 ms",  # assumed key lookup
            properties={"key": "user id"})
        online_features = Component(
            "feature_store", kind="feature_store", name="Feature store (online)",
            description="Fresh user and track features, shared by training and serving",
            cpus=2, memory="32 GB", storage="200 GB", replicas=12,  # assumed
            processing_time="1..4 ms")  # assumed
        ranker = Model(
            "ranker", name="Ranking model",
            task="ranking of candidate tracks",
            framework="onnxruntime",
            inputs=[{"name": "candidates", "type": "list[track id]", "meaning": "tonight's candidates"},
                    {"name": "session", "type": "features", "meaning": "recent plays, skips, time of day"}],
            outputs=[{"name": "ranked", "type": "list[track id]", "meaning": "candidates best first"}],
            size="50 MB", memory="500 MB",  # assumed gradient-boosted trees and embeddings
            inference_time={
                "cloud": "10..30 ms",  # assumed: scoring 300 candidates on a server core
                "gpu_pool": "3..8 ms",  # assumed
                "mobile": "30..90 ms",  # assumed: the same on a phone core
            },
            update_period="1 d",  # assumed: retrained daily
            intended_use="Order a user's candidate tracks for the home screen",
            limitations=["new users without history", "new tracks without plays"],
            ip_sensitive=True,  # assumed: the ranking is the service's edge
            stateless=True, cpus=1, language="python", owner="ranking team", version="rank-2026.12.01",
            properties={"feedback_loop": "plays and skips on ranked screens train the next ranker; "
                                         "5 % of screens show an unranked shuffle as a control"})

    with Node(
        "gpu_pool", kind="cloud", name="GPU inference pool",
        cpu_cores=8, gpus=1, memory="64 GB", storage="200 GB",  # assumed
        cost_per_hour="1.20 USD/h",  # assumed
        count=1,  # assumed: one node until the capacity plan says how many more
        availability=0.995,  # assumed
    ):
        pass

    with Node(
        "batch", kind="cloud", name="Batch cluster",
        cpu_cores=32, memory="256 GB", storage="100 TB",  # assumed
        cost_per_hour="2.00 USD/h",  # assumed
        count=10,  # assumed
        availability=0.99,  # assumed
    ):
        history = Component("listening_history", kind="datastore", name="Listening history",
                            description="Every play and skip", memory="64 GB", storage="40 TB", replicas=20,
                            cpus=2, processing_time="0.5..2 ms", data_sensitivity="personal")  # assumed appends
        candidate_job = Component(
            "candidate_job", kind="batch_job", name="Nightly candidate job",
            description="Runs the candidate model for every user and writes the candidate table",
            language="python", cpus=16, memory="128 GB", processing_time="2..4 h",  # assumed
            properties={"schedule": "nightly", "responsibilities": ["infer"]})
        candidates = Model(
            "candidate_model", name="Candidate generation model",
            task="candidate retrieval",
            framework="pytorch",
            inputs=[{"name": "user", "type": "embedding", "meaning": "the user's taste vector"}],
            outputs=[{"name": "candidates", "type": "list[track id]", "meaning": "300 nearest tracks"}],
            size="2 GB", memory="8 GB",  # assumed: track embeddings and an index
            inference_time={"batch": "2..5 ms"},  # assumed per user
            update_period="7 d",  # assumed
            intended_use="Nightly candidates for every user", ip_sensitive=True,
            stateless=True, cpus=8, language="python", owner="recsys team", version="cand-2026.49",
            properties={"feedback_loop": "tonight's candidates shape tomorrow's plays; "
                                         "a random slice of candidates keeps exploring"},
            suppress=[{"rule": "training-code-in-serving",
                       "reason": "the nightly job and training share the batch cluster at different hours"}])
        feature_pipeline = Component(
            "feature_pipeline", kind="batch_job", name="Feature pipeline",
            description="Computes user and track features from the listening history",
            language="python", cpus=8, memory="64 GB", processing_time="20..40 min",  # assumed
            properties={"schedule": "hourly", "responsibilities": ["ingest", "encode"]})
        training = Component(
            "training", kind="training_pipeline", name="Model training",
            language="python", cpus=16, memory="128 GB", processing_time="1..3 h",  # assumed
            properties={"responsibilities": ["train", "evaluate"]})
        registry = Component("model_registry", kind="model_registry", name="Model registry",
                             memory="2 GB", storage="1 TB", replicas=2, cpus=1, processing_time="5..20 ms")  # assumed

    # Links -----------------------------------------------------------------------------------
    Link("phone", "serving", medium="internet",
         bandwidth="5..50 Mbit/s",  # assumed mobile or home connection
         latency="30..100 ms",  # assumed
         cost_per_gb="0.05 USD/GB",  # assumed cloud egress price, paid by the service
         availability=0.98)  # assumed
    Link("serving", "gpu_pool", medium="lan", bandwidth="10 Gbit/s", latency="0.2..1 ms", availability=0.9999)  # assumed
    Link("serving", "batch", medium="lan", bandwidth="10 Gbit/s", latency="0.5..2 ms", availability=0.9999)  # assumed

    # Connectors --------------------------------------------------------------------------------
    # Connectors between two fleet components carry their rate per instance of the larger fleet:
    # 10,000,000 users x 5 % at peak x 0.2 home screens a minute, spread over 40 serving nodes.
    per_serving_node = f"{10_000_000 * 0.05 * 0.2 / 60 / 40:.4g} /s"
    open_home = (app >> home_api).set(kind="sync_call", request_size="1 kB", response_size="30 kB",
                                      rate="0.2 /min",  # assumed: a home screen every five minutes of use
                                      data_sensitivity="personal",
                                      description="Returns the candidates and the session's fresh features")
    lookup = (home_api >> rec_table).set(kind="sync_call", op="read", request_size="0.1 kB", response_size="10 kB",
                                         rate=per_serving_node)
    session = (home_api >> online_features).set(kind="sync_call", op="read", request_size="1 kB",
                                                response_size="20 kB", rate=per_serving_node)
    rank = (app >> ranker).set(kind="sync_call", request_size="30 kB", response_size="2 kB",
                               rate="0.2 /min", conditional=True,
                               share=0.3,  # assumed: 30 % of home screens follow a change of session
                               data_sensitivity="personal",
                               description="Candidates and session features in, the ranked list out")
    plays = (app >> history).set(kind="async_message", op="write", purpose="feedback", request_size="0.5 kB",
                                 rate="0.5 /min",  # assumed: a play or skip every two minutes
                                 data_sensitivity="personal", description="Plays and skips")
    nightly_in = (candidate_job >> history).set(kind="batch_transfer", op="read", request_size="500 GB",
                                                rate="1 /day")
    user_features = (candidates >> online_features).set(kind="batch_transfer", op="read", request_size="20 GB",
                                                        rate="1 /day", description="Every user's taste features")
    nightly_run = (candidate_job >> candidates).set(kind="in_process", request_size="1 kB", response_size="3 kB",
                                                    rate="1 /day")
    nightly_out = (candidate_job >> rec_table).set(kind="batch_transfer", op="write", request_size="30 GB",  # 10 M x 3 kB
                                                   rate="1 /day")
    features_in = (feature_pipeline >> history).set(kind="batch_transfer", op="read", request_size="5 GB",
                                                    rate="1 /h")
    features_out = (feature_pipeline >> online_features).set(kind="batch_transfer", op="write",
                                                             request_size="2 GB", rate="1 /h")
    learn = (training >> online_features).set(kind="batch_transfer", op="read", purpose="training",
                                              request_size="200 GB", rate="1 /day")
    learn_history = (training >> history).set(kind="batch_transfer", op="read", purpose="training",
                                              request_size="500 GB", rate="1 /day")
    release = (training >> registry).set(kind="batch_transfer", purpose="model_artifact", request_size="2.05 GB",
                                         rate="1 /day")
    ship_ranker = (registry >> ranker).set(kind="batch_transfer", purpose="model_artifact", request_size="50 MB",
                                           rate="1 /day")
    ship_candidates = (registry >> candidates).set(kind="batch_transfer", purpose="model_artifact",
                                                   request_size="2 GB", rate="1 /week")
    usage = (app >> history).set(kind="async_message", purpose="telemetry", request_size="1 kB",
                                 rate="0.2 /min", data_sensitivity="personal",
                                 description="What was shown, in which order, by which model version")
    job_stats = (candidate_job >> history).set(kind="async_message", purpose="telemetry", request_size="10 MB",
                                               rate="1 /day", description="Candidate counts and coverage per run")

    # Flows ---------------------------------------------------------------------------------------
    Flow("home-cached", name="open the app -> precomputed candidates", steps=[open_home, lookup],
         rate="0.2 /min", latency_budget="300 ms")  # assumed, under the lecture's 200 ms pause plus the network [K]
    Flow("home-reranked", name="open the app -> candidates -> online ranking",
         steps=[open_home, lookup, session, rank], rate="0.2 /min", latency_budget="300 ms")  # assumed

    # Placement alternatives ------------------------------------------------------------------------
    Variant("rank-on-server", {}, preset="hybrid",
            description="Candidates precomputed nightly; ranking online on the serving fleet's CPUs")
    Variant("rank-on-gpu", {"ranker": "gpu_pool"}, preset="hybrid",
            description="Ranking online on a GPU pool next to the serving fleet")
    Variant("rank-on-phone", {"ranker": "phone"}, preset="hybrid",
            description="The phone ranks its own candidates; session context stays on the phone")
