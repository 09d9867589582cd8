"""Transcription service: a start-up's speech-to-text for recorded meetings and interviews.

Customers upload recordings from a desktop app and get a transcript back. The design question of
the start-up: run the speech model in the cloud on GPUs (the default), on cheaper CPU servers, or
on the customer's own computer? Each answer moves cost (per hour of audio), turnaround, the GPU
capacity to plan for, and where the recordings (personal data) go.

Sources (values marked "assumed" are ours, for the review to question):
[K] C. Kaestner, "Deploying a Model", Machine Learning in Production lecture notes (CMU 17-445/645):
    the transcription service start-up as a deployment case; the stateless serving function
    pattern; the Facebook capacity table lists speech recognition on dual-socket CPU servers with
    high memory (Hazelwood et al., HPCA 2018).
[H] G. Hulten, Building Intelligent Systems, Apress 2018, ch. 13 "Where Intelligence Lives".
[M] Mercari, ML system design patterns (2020-2021): the asynchronous pattern (requests queued,
    results delivered later).
"""

from archkit import Component, Flow, Link, Model, Node, System, Variant

# One request is one minute of audio: 16 kHz, 16-bit, mono PCM is 16,000 x 2 x 60 = 1.92 MB
# (the format is assumed; the size follows from it).
MINUTE_OF_AUDIO = "1.92 MB"

with System(
    "Transcription service",
    description="Recorded audio -> speech recognition -> transcript, for a start-up's customers.",
    version="1.0",
    users=20_000,  # assumed: customers with the desktop app installed
    peak_active_share=0.05,  # assumed: 5 % of the customers upload at the same time at peak
    usage_hours_per_day=1,  # assumed: an hour of recordings a customer and day
    requirements=["latency(transcribe) <= 30 s", "personal_data <= 1"],  # assumed, see the flow
    objectives=["minimize cost"],
) as system:
    with Node(
        "customer_pc", kind="edge", name="Customer's computer",
        description="A customer's laptop or desktop running the app",
        cpu_cores=4, memory="16 GB", storage="256 GB",  # assumed typical laptop
        per_user=1,
        availability=0.99,  # assumed
    ):
        app = Component(
            "desktop_app", kind="ui", name="Desktop app",
            description="Picks recordings, shows transcripts and lets the customer correct them",
            language="typescript", memory="300 MB", processing_time="5..20 ms",  # assumed
            data_sensitivity="personal")  # recordings of meetings and interviews
        splitter = Component(
            "chunker", kind="business_logic", name="Audio chunker",
            description="Decodes a recording and cuts it into one-minute chunks at pauses",
            language="python", memory="200 MB", processing_time="50..200 ms",  # assumed
            data_sensitivity="personal")

    with Node(
        "api", kind="cloud", name="API servers",
        cpu_cores=8, memory="32 GB", storage="2 TB",  # assumed
        cost_per_hour="0.40 USD/h",  # assumed on-demand price of an 8-core server
        count=2,  # assumed
        availability=0.999,  # assumed
    ):
        transcripts = Component(
            "transcripts", kind="datastore", name="Transcript store",
            description="Customers' transcripts and their corrections",
            memory="8 GB", storage="500 GB", processing_time="2..10 ms", cpus=2, replicas=2,  # assumed
            data_sensitivity="personal")
        telemetry = Component(
            "telemetry", kind="telemetry", name="Job telemetry",
            description="Per chunk: model version, audio length, processing time, confidence",
            memory="1 GB", processing_time="1..3 ms", cpus=0.5, replicas=2, stateless=True)  # assumed
        registry = Component(
            "model_registry", kind="model_registry", name="Model registry",
            memory="1 GB", storage="50 GB", processing_time="5..20 ms", cpus=0.5, replicas=2)  # assumed
        training = Component(
            "training", kind="training_pipeline", name="Fine-tuning",
            description="Fine-tunes the speech model on corrected transcripts of customers who opted in",
            language="python", memory="16 GB", processing_time="2..6 h", cpus=4,  # assumed
            properties={"responsibilities": ["train", "evaluate"]})

    with Node(
        "gpu_pool", kind="cloud", name="GPU workers",
        cpu_cores=8, gpus=1, memory="64 GB", storage="500 GB",  # assumed one-GPU instance
        cost_per_hour="1.20 USD/h",  # assumed on-demand price of a one-GPU instance
        count=100,  # assumed: sized for the peak, see the capacity plan
        availability=0.995,  # assumed
    ):
        asr = Model(
            "asr", name="Speech recognition model",
            description="Transformer speech recognition model: audio in, text with timestamps out",
            task="automatic speech recognition",
            framework="pytorch",
            inputs=[{"name": "audio", "type": "audio/pcm", "unit": "16 kHz, 16-bit, mono", "meaning": "one minute of speech"}],
            outputs=[{"name": "segments", "type": "list[segment]", "unit": "seconds, UTF-8 text",
                      "meaning": "recognised words with start and end times"}],
            size="1.5 GB",  # assumed: a large transformer in half precision
            memory="6 GB",  # assumed
            inference_time={
                "gpu_pool": "2..4 s",  # assumed: one minute of audio 15-30x faster than real time on a GPU
                "cpu_pool": "20..40 s",  # assumed: 1.5-3x faster than real time on 8 server cores
                "customer_pc": "30..120 s",  # assumed: 0.5-2x real time on a laptop CPU
            },
            update_period="30 d",  # assumed monthly fine-tuning
            requires_gpu=False,  # runs everywhere, only slower without one
            accuracy={"word error rate, clean English speech": "assumed 5-8 %"},
            intended_use="Transcribing recorded English meetings and interviews",
            limitations=["overlapping speakers", "strong accents and noisy rooms", "domain terms"],
            ethical_considerations=["recordings contain personal data of people who did not sign up"],
            ip_sensitive=True,  # assumed: the fine-tuned model is the start-up's asset
            language="python", stateless=True, cpus=4, gpus=1,
            owner="speech team", version="asr-2026.11",
            properties={"feedback_loop": "corrected transcripts fine-tune the model; each release is checked "
                                         "against a fixed test set before it replaces the last"},
        )

    with Node(
        "cpu_pool", kind="cloud", name="CPU workers",
        cpu_cores=8, memory="32 GB", storage="200 GB",  # assumed
        cost_per_hour="0.40 USD/h",  # assumed
        count=1,  # assumed: one node until the capacity plan says how many more
        availability=0.999,  # assumed
    ):
        pass

    # Links -----------------------------------------------------------------------------------
    Link("customer_pc", "api", medium="internet",
         bandwidth="10..50 Mbit/s", bandwidth_reverse="50..200 Mbit/s",  # assumed broadband: upload, download
         latency="20..60 ms",  # assumed
         cost_per_gb="0.09 USD/GB",  # assumed cloud egress price, paid by the provider
         availability=0.99)  # assumed
    Link("api", "gpu_pool", medium="lan", bandwidth="10 Gbit/s", latency="0.2..1 ms",  # assumed data centre network
         availability=0.9999)  # assumed
    Link("api", "cpu_pool", medium="lan", bandwidth="10 Gbit/s", latency="0.2..1 ms", availability=0.9999)  # assumed

    # Connectors --------------------------------------------------------------------------------
    chunk = (app >> splitter).set(kind="in_process", request_size="115.2 MB",  # one hour: 60 x 1.92 MB
                                  rate="1 /h", data_sensitivity="personal")
    submit = (splitter >> asr).set(
        kind="async_message", request_size=MINUTE_OF_AUDIO,
        rate="1 /min",  # an hour of recording a day is a chunk a minute during that hour
        data_sensitivity="personal", encrypted=True,
        description="One chunk submitted as a transcription job")
    result = (asr >> app).set(kind="async_message", request_size="10 kB",  # assumed: a minute of text
                              rate="1 /min", data_sensitivity="personal", encrypted=True,
                              description="The chunk's transcript, pushed back when done")
    save = (app >> transcripts).set(kind="async_message", op="write", request_size="10 kB",
                                    rate="1 /min", data_sensitivity="personal", encrypted=True)
    corrections = (app >> transcripts).set(
        kind="async_message", op="write", purpose="feedback", request_size="2 kB",
        rate="1 /h", share=0.2,  # assumed: one in five customers corrects a transcript
        data_sensitivity="personal", encrypted=True,
        description="The customer's corrections: labels for evaluation and fine-tuning")
    learn = (training >> transcripts).set(
        kind="batch_transfer", op="read", purpose="training",
        request_size="50 GB", rate="1 /day", share=1 / 30)  # assumed: monthly, over the opted-in share
    release = (training >> registry).set(kind="batch_transfer", purpose="model_artifact",
                                         request_size="1.5 GB", rate="1 /day", share=1 / 30)
    deploy = (registry >> asr).set(kind="batch_transfer", purpose="model_artifact",
                                   request_size="1.5 GB", rate="1 /day", share=1 / 30)
    timings = (splitter >> telemetry).set(
        kind="async_message", purpose="telemetry", request_size="1 kB", rate="1 /min",
        data_sensitivity="internal",  # timings and versions, no audio or text
        description="Per chunk: model version, audio length, turnaround, confidence")

    # Flows ---------------------------------------------------------------------------------------
    Flow("transcribe", name="one minute of audio -> its transcript",
         steps=[submit, result],
         rate="1 /min",
         latency_budget="30 s")  # assumed: a minute's transcript within half a minute keeps up with live upload

    # Placement alternatives ------------------------------------------------------------------------
    Variant("cloud-gpu", {}, preset="server_centric",
            description="The model on one-GPU cloud workers; chunks are jobs answered asynchronously")
    Variant("cloud-cpu", {"asr": "cpu_pool"}, preset="server_centric",
            description="The model on cheaper CPU-only servers")
    Variant("on-customer-pc", {"asr": "customer_pc"}, preset="client_side",
            description="The model runs in the desktop app; recordings never leave the customer's computer")
